"""One Qt-free service per feature, shared by the window and the command line."""
