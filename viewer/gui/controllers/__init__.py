"""The main window's flows, one controller each; ``MainWindow`` builds them and wires them up.

A controller is a QObject owning its actions, its slots and its background work; it reads and
changes the window's widgets through the window it was given.
"""
