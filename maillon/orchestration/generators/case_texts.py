"""The words of the demo's cases: subjects by partner, messages of both sides. Plausible
situations of a PIMMS desk, without any person's data."""

from maillon.cases.enums import CaseAnswer

SUBJECTS = {
    "caf": (
        "Prime d'activité suspendue après la déclaration trimestrielle",
        "Aide au logement : dossier signalé incomplet sans précision",
        "Indu réclamé, la personne conteste le calcul",
        "Changement de situation non pris en compte",
        "RSA : versement interrompu sans courrier",
        "Attestation de paiement introuvable dans l'espace en ligne",
    ),
    "cpam": (
        "Carte Vitale demandée il y a trois mois, non reçue",
        "Complémentaire santé solidaire : demande sans réponse",
        "Indemnités journalières non versées",
        "Remboursements bloqués depuis un changement de caisse",
        "Attestation de droits erronée",
        "Dossier toujours rattaché à l'ancienne caisse après un déménagement",
    ),
    "dgfip": (
        "Avis d'imposition : revenus déclarés en double",
        "Accès à l'espace particulier bloqué",
        "Demande de délai de paiement restée sans réponse",
        "Taxe d'habitation d'une résidence secondaire réclamée à tort",
        "Prélèvement à la source : taux non mis à jour",
        "Numéro fiscal inconnu du service en ligne",
    ),
}
DESCRIPTION = (
    "Demande accompagnée au point d'accueil : la démarche en ligne est bloquée et la personne a "
    "déjà relancé par téléphone sans résultat. Pièces vues au guichet. (Dossier de démonstration, "
    "aucune donnée réelle.)"
)
FIRST_ANSWERS = (
    "Bonjour, dossier pris en charge ; je reviens vers vous dès que possible.",
    "Bonjour, pouvez-vous préciser la date du dernier courrier reçu par la personne ?",
    "Bonjour, le dossier est transmis au service gestion, réponse attendue sous quelques jours.",
    "Bonjour, il manque un justificatif de ressources : la personne peut-elle le déposer ?",
)
AGENT_REPLIES = (
    "Merci. Le courrier date du mois dernier ; la personne repasse jeudi.",
    "Le justificatif a été déposé en ligne ce matin avec la personne.",
    "Merci pour votre retour, je préviens la personne.",
    "La personne a reçu un nouvel avis hier, il contredit le précédent.",
)
INTERNAL_NOTES = (
    "Vu avec le service gestion : traitement en cours.",
    "Dossier déjà signalé par un autre point d'accueil, à regrouper.",
    "Attente du retour du pôle contentieux.",
)
ANSWERS = {
    CaseAnswer.SOLVED: "Situation régularisée : le versement reprend au prochain cycle.",
    CaseAnswer.NOT_SOLVABLE: (
        "Le dossier ne peut pas être débloqué de notre côté : la pièce manquante doit venir "
        "de l'employeur."
    ),
    CaseAnswer.WRONG_PARTNER: (
        "Cette demande relève d'un autre organisme : je vous invite à la lui transmettre."
    ),
}
