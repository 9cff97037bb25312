"""The yearly barometer of the follow-up.

Once a year, in a period the coordinators of a national framework's publisher set (a
Barometer), each voice of a commune rates each of its committed items of that framework
(its local versions' items included) on a fixed scale of five levels, with a comment (a
Rating). The board shows both voices' ratings and their evolution year after year; the
item, department, region and national pages their counts per level and voice.

- services.py   writes: opening and changing a barometer, a voice's ratings (all or nothing)
- queries.py    reads: barometers, a commune's items to rate, the board's ratings
- aggregates.py counts per item, theme, level and voice (in SQL, whatever the number of communes)
- charts.py     the bars and sparklines as SVG data (pure functions)
- reminders.py  who is reminded by email, and when (manage.py barometer_reminders)
- forms.py views.py
"""
