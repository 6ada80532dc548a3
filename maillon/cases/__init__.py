"""Cases (dossiers transmis): a blocked desk request sent to the partner's referent, the exchange
that follows, its deadlines in business days, notifications, retention and the partner scorecard."""
