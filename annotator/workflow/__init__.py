"""The multi-coder workflow: hand out articles, package them for offline work, merge the work back.

- :mod:`annotator.workflow.assign`: balanced assignment of articles to coders, with double-coded overlap.
- :mod:`annotator.workflow.package`: a self-contained project file holding one coder's articles.
- :mod:`annotator.workflow.merge`: bring a coder's package back into the main project (three-way, untrusted input).

Domain code only: no Qt here.
"""
