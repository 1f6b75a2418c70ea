"""An SVG chart that Jupyter displays inline and that can be saved."""
import os


class SVG:
    """SVG text. In Jupyter the object renders inline; save(path) writes it to a file."""

    def __init__(self, data: str):
        self.data = data

    def _repr_svg_(self):
        return self.data

    def __str__(self):
        return self.data

    def __repr__(self):
        return f"<rafter.SVG, {len(self.data)} characters>"

    def save(self, path):
        """Writes the SVG to path (atomically: a temporary file renamed into place)."""
        path = os.fspath(path)
        tmp = f"{path}.tmp-{os.getpid()}"
        try:
            with open(tmp, "w", encoding="utf-8") as f:
                f.write(self.data)
            os.replace(tmp, path)
        except BaseException:
            if os.path.exists(tmp):
                os.unlink(tmp)
            raise
        return path
