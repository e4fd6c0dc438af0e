"""Vehicle repossession and disposition under UCC Article 9, as pure rules.

A repossession case is the sequence of its steps (``case.Step``); its state is a fold over
them (``machine.replay``), so any question about a case — what stage, which dates, what it
cost — is answered from its history. The legal timers (state right-to-cure periods, the notice
of disposition before a sale, the 90-day disposal rule of 9-620(e)) are ``timers``; the
application of sale proceeds is ``waterfall`` (9-615) and the explanation owed to a consumer is
``explanation`` (9-616). Rules that vary by state are data (``data/state_rules.toml``).
"""
