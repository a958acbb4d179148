"""Documents a release carries (a communiqué, the text of a memorandum): PDF, DOCX, XLSX.

``gate`` decides what may be stored and cleans it; ``forms`` puts the gate at the admin's
field; ``views`` hands a stored document to whoever may read its release.
"""
