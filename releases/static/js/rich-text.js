/* Paragraph blocks in the release admin: a rich-text editor limited to the safelist of
   releases/text.py (bold, italic, links, line breaks), from django-prose-editor's
   ProseMirror build in our static files. Loaded as a module by its relative address, so
   no inline import map is needed; Tiptap's injected <style> is turned off (its rules are
   in css/rich-text.css), so the Content-Security-Policy needs no exception.
   Quotes and photo blocks keep the plain textarea. Without JavaScript the textarea takes
   the same markup, and the server sanitises whatever arrives. */
import {
  Bold,
  Document,
  Editor,
  Extension,
  HardBreak,
  History,
  Italic,
  Link,
  Menu,
  Paragraph,
  Text,
  crel,
} from "../django_prose_editor/editor.js";

const SELECTOR = "textarea[data-rich-text]";
const editors = new WeakMap();

// A block is one paragraph: Enter starts a new line in it, not a new paragraph.
const EnterIsALineBreak = Extension.create({
  name: "enterIsALineBreak",
  priority: 1000,
  addKeyboardShortcuts() {
    return { Enter: () => this.editor.commands.setHardBreak() };
  },
});

// The link dialog sends an empty title when none is given: leave the attribute out then.
const LinkWithoutEmptyTitle = Link.extend({
  addAttributes() {
    const attributes = this.parent ? this.parent() : {};
    return {
      ...attributes,
      title: {
        ...(attributes.title || {}),
        default: null,
        renderHTML: (values) => (values.title ? { title: values.title } : {}),
      },
    };
  },
});

// The extensions the server names (releases/admin/rich_text.py), with their options.
const AVAILABLE = { Bold, Italic, Link: LinkWithoutEmptyTitle, HardBreak };

function chosen(extensions) {
  return Object.entries(extensions)
    .filter(([name, config]) => config && AVAILABLE[name])
    .map(([name, config]) =>
      typeof config === "object" ? AVAILABLE[name].configure(config) : AVAILABLE[name]
    );
}

function options(textarea) {
  return JSON.parse(textarea.dataset.richText || "{}");
}

function labelOf(textarea) {
  const label = textarea.id && document.querySelector(`label[for="${textarea.id}"]`);
  return label ? label.textContent.replace(/:\s*$/, "").trim() : "";
}

function relabel(wrapper, buttons) {
  for (const button of wrapper.querySelectorAll(".prose-menubar button[title]")) {
    const label = buttons[button.title];
    if (label) {
      button.title = label;
      button.setAttribute("aria-label", label);
    }
  }
}

function attach(textarea) {
  if (editors.has(textarea) || textarea.id.includes("__prefix__")) return;
  const settings = options(textarea);
  const wrapper = crel("div", { className: "prose-editor press-rich-text-editor" });
  textarea.before(wrapper);
  wrapper.append(textarea);
  const attributes = { role: "textbox", "aria-multiline": "true" };
  const label = labelOf(textarea);
  if (label) attributes["aria-label"] = label;
  // The field's help text, by the id of this block's row (a block added in the page
  // carries the template's id in the textarea's own aria-describedby).
  const help = document.getElementById(`${textarea.id}_helptext`);
  if (help) attributes["aria-describedby"] = help.id;
  if (textarea.lang) attributes.lang = textarea.lang;
  const editor = new Editor({
    element: wrapper,
    injectCSS: false,
    editable: !textarea.disabled,
    content: textarea.value,
    editorProps: { attributes },
    extensions: [
      Document,
      Paragraph,
      Text,
      History,
      EnterIsALineBreak,
      Menu.configure({ groups: [{ group: "marks" }, { group: "link" }, { group: "history" }] }),
      ...chosen(settings.extensions || {}),
    ],
    onCreate() {
      relabel(wrapper, settings.buttons || {});
    },
    onUpdate({ editor }) {
      const html = editor.getHTML();
      textarea.value = /^<(\w+)(\s[^>]*)?><\/\1>$/i.test(html) ? "" : html;
      textarea.dispatchEvent(new Event("input", { bubbles: true }));
    },
    onDestroy() {
      wrapper.before(textarea);
      wrapper.remove();
    },
  });
  editors.set(textarea, editor);
}

function detach(textarea) {
  const editor = editors.get(textarea);
  if (!editor) return;
  editors.delete(textarea);
  editor.destroy();
}

function kindOf(textarea) {
  const form = textarea.closest(".inline-related");
  const select = form && form.querySelector('select[name$="-kind"]');
  return select ? select.value : textarea.dataset.blockKind;
}

function update(root) {
  for (const textarea of root.querySelectorAll(SELECTOR)) {
    if (kindOf(textarea) === "paragraph") attach(textarea);
    else detach(textarea);
  }
}

document.addEventListener("change", (event) => {
  if (event.target.matches('.press-blocks select[name$="-kind"]')) {
    update(event.target.closest(".inline-related"));
  }
});
document.addEventListener("formset:added", (event) => update(event.target));
if (document.readyState === "loading") {
  document.addEventListener("DOMContentLoaded", () => update(document));
} else {
  update(document);
}
