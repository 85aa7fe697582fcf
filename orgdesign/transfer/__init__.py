"""The whole organisation in and out of spreadsheets: one XLSX workbook (a sheet per kind) or a CSV per kind.

`layout` says which sheets and columns there are; `export` writes them; `load` reads a file,
checks every row and applies it in one transaction (or shows, in a dry run, what it would do).
"""
