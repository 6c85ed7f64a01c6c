"""``makemessages`` writing a catalogue that merges well.

Several people add strings at once: with source locations and entries in
extraction order, every change of a line number elsewhere rewrote the
catalogue and two branches always conflicted. Entries sorted by msgid and no
locations (``make messages`` passes ``--no-location``) keep each branch's
change to the lines of its own strings.
"""

from __future__ import annotations

from django.core.management.commands import makemessages


class Command(makemessages.Command):
    msgmerge_options = [*makemessages.Command.msgmerge_options, "--sort-output"]
    msguniq_options = [*makemessages.Command.msguniq_options, "--sort-output"]
    msgattrib_options = [*makemessages.Command.msgattrib_options, "--sort-output"]
