"""What the case services announce once their transaction has committed, for the modules that
react (e-mail notifications): `sender` is the Case class, `case` the case, and `message` the
message when there is one. Services send them with `transaction.on_commit`, so a rolled-back
write notifies no one."""

import django.dispatch

# a case was sent to the partner's referents (new, or re-routed to another partner)
case_sent = django.dispatch.Signal()
# a message was posted on a case: `message.side` says whether by the site or by the partner
message_posted = django.dispatch.Signal()
# a referent marked the case « traité » with his answer
case_answered = django.dispatch.Signal()
# an agent closed the case (with « utile pour l'usager ? »)
case_closed = django.dispatch.Signal()
