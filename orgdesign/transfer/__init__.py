"""The whole organisation in and out of spreadsheets: one XLSX workbook (a sheet per kind) or a CSV per kind.

`layout` says which sheets and columns there are; `export` writes them; `load` reads a file,
checks every row and applies it in one transaction (or shows, in a dry run, what it would do).
"""


def progress_bar(stream):
    """A progress callback (step label, done, total) drawing a bar on a terminal stream."""

    def draw(label, done, total, width=30):
        filled = int(width * done / total) if total else width
        stream.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total} {label!s:<32}")
        if done >= total:
            stream.write("\n")
        stream.flush()

    return draw
