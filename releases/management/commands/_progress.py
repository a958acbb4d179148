"""A one-line progress bar for long management commands."""


class ProgressBar:
    """Call with (done, total) and, if it helps, the item just done; redraws at most once a
    percent. Work of fewer than ``minimum`` items is short and shows no bar."""

    width = 30

    def __init__(self, out, label, minimum=50):
        self.out, self.label, self.minimum, self.shown, self.drawn = out, label, minimum, -1, False

    def __call__(self, done, total, current=""):
        if total < self.minimum:
            return
        percent = 100 * done // total
        if percent == self.shown:
            return
        self.shown = percent
        filled = self.width * done // total
        line = f"\r{self.label} [{'#' * filled}{'-' * (self.width - filled)}] {done}/{total}"
        if current:
            # Padded, so that a short name leaves nothing of a longer one drawn before it.
            line += f" {current:<20}"
        self.out.write(line, ending="")
        self.out.flush()
        self.drawn = True

    def finish(self):
        if self.drawn:
            self.out.write("")
