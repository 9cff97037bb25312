"""What commitments tells the apps above it (which it never imports): they connect a
receiver from their AppConfig.ready().

- `deliberation_recorded`: a municipal council's deliberation is recorded, as a
  campaign's bulletin (a Commitment whose channel is a deliberation: `commitment=`) or as
  a commitment made elsewhere (a Declaration committed by the council: `declaration=`);
  `user` is who recorded it (None from the command line). Sent once the transaction
  commits, never for a spreadsheet import (its rows are written in bulk, told nobody).
"""

from django.dispatch import Signal

deliberation_recorded = Signal()
