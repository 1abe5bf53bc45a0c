"""Import of Word (.docx) and text PDF files as content items: ``invoke import-docx``, ``invoke import-pdf``
and the local "Nhập từ Word" endpoint of the web editor (``server.py``).

Not a Pelican plugin: nothing here runs during a build. ``pipeline.import_file`` states the stages in order
(docs/import.md); the converters write the project's Markdown, which ``invoke check`` then validates.
"""
