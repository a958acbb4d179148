"""A one-line progress bar for long management commands."""


class ProgressBar:
    """Call with (done, total); redraws at most once a percent."""

    width = 30

    def __init__(self, out, label):
        self.out, self.label, self.shown, self.drawn = out, label, -1, False

    def __call__(self, done, total):
        if total < 50:
            return  # short work needs no bar
        percent = 100 * done // total
        if percent == self.shown:
            return
        self.shown = percent
        filled = self.width * done // total
        self.out.write(
            f"\r{self.label} [{'#' * filled}{'-' * (self.width - filled)}] {done}/{total}",
            ending="",
        )
        self.out.flush()
        self.drawn = True

    def finish(self):
        if self.drawn:
            self.out.write("")
