"""Demo research projects with lay summaries, glossary, questions and clarity ratings."""

import secrets
from datetime import date, timedelta

from sqlalchemy import select

from patientlab.core.models import utcnow
from patientlab.core.sanitize import rich_text
from patientlab.demo.networks import first_network_id
from patientlab.extensions import db
from patientlab.moderation.models import ModerationState
from patientlab.projects import services as svc
from patientlab.projects import terms
from patientlab.projects.models import (
    Answer,
    ClarityRating,
    FalcPanel,
    FalcReader,
    FalcReading,
    GlossaryTerm,
    PlainWord,
    Project,
    Publication,
    Question,
)

GLOSSARY = [
    ("essai clinique", "Une étude qui teste un traitement ou un soin chez des personnes "
     "volontaires. Elle suit des règles strictes pour protéger les participants."),
    ("biomarqueur", "Une trace mesurable dans le corps, par exemple dans le sang. Elle aide à "
     "savoir comment une maladie évolue ou si un traitement marche."),
    ("cohorte", "Un groupe de personnes suivies pendant plusieurs années pour comprendre ce qui "
     "leur arrive."),
    ("chimiothérapie", "Des médicaments qui détruisent les cellules cancéreuses ou les empêchent "
     "de se multiplier."),
    ("immunothérapie", "Un traitement qui aide les défenses naturelles du corps à reconnaître "
     "et attaquer les cellules cancéreuses."),
    ("radiothérapie", "Un traitement qui utilise des rayons pour détruire les cellules "
     "cancéreuses à un endroit précis du corps."),
    ("qualité de vie", "Ce que vous ressentez au quotidien : votre forme, votre moral, vos "
     "relations, votre travail, vos loisirs."),
    ("aidant", "Une personne proche qui aide régulièrement une personne malade : conjoint, "
     "enfant, parent, ami."),
    ("activité physique adaptée", "Du sport ou du mouvement encadré par un professionnel, "
     "ajusté à l’état de santé de chaque personne."),
    ("rémission", "Période où les signes du cancer ont diminué ou disparu."),
    ("dépistage", "Un examen fait chez des personnes sans symptôme pour trouver un cancer tôt, "
     "quand il se soigne mieux."),
    ("effet secondaire", "Un effet non voulu d’un traitement, par exemple la fatigue ou les "
     "nausées."),
]

# title, teaser, status, region, lab, cancers, themes, why, what, change, involvement,
# falc (text or ""), falc checked
PROJECTS = [
    ("Bouger pendant la chimiothérapie du cancer du sein",
     "Un programme d’activité physique adaptée à la maison pour moins de fatigue.",
     "running", "clara", "Centre Léon Bérard, équipe Prévention",
     ["sein"], ["nutrition-activite", "qualite-de-vie", "traitements"],
     "La fatigue est l’effet secondaire le plus fréquent de la chimiothérapie. Elle gêne la vie "
     "de tous les jours. Bouger un peu chaque jour pourrait aider.",
     "Nous proposons à 200 femmes un programme d’activité physique adaptée à faire chez soi.\n"
     "- deux séances de 30 minutes par semaine\n- un appel d’un éducateur sportif chaque "
     "semaine\n- un carnet pour noter sa fatigue",
     "Si le programme marche, il pourra être proposé à toutes les patientes, même loin d’une "
     "salle de sport.",
     "Trois patientes ont relu les documents. Elles ont choisi les exercices avec l’équipe.",
     "Nous voulons savoir si bouger aide contre la fatigue.\nLa fatigue arrive souvent avec "
     "la chimiothérapie.\n200 femmes vont faire du sport chez elles.\nUn éducateur les "
     "appelle chaque semaine.", True),
    ("Les enfants face au cancer d’un parent",
     "Comprendre ce dont les enfants ont besoin quand un parent est malade.",
     "running", "grand-ouest", "Université de Nantes, laboratoire de psychologie",
     ["tous"], ["entourage"],
     "Quand un parent a un cancer, les enfants se posent beaucoup de questions. On sait peu "
     "de choses sur ce qui les aide vraiment.",
     "Nous allons rencontrer 60 familles. Les enfants et les parents racontent ce qui les a "
     "aidés ou gênés.",
     "Les équipes de soins auront des conseils simples pour parler aux enfants.",
     "Une association de parents a aidé à écrire les questions posées aux familles.",
     "Quand un parent est malade, les enfants ont des questions.\nNous allons parler avec 60 "
     "familles.\nNous voulons savoir ce qui aide les enfants.", True),
    ("Bien manger après un cancer colorectal",
     "Des ateliers de cuisine pour retrouver le plaisir de manger.",
     "preparing", "est", "Institut de cancérologie de Lorraine",
     ["colorectal"], ["nutrition-activite", "apres-cancer"],
     "Après une opération de l’intestin, beaucoup de personnes mangent moins et perdent du "
     "poids.",
     "Nous organiserons des ateliers de cuisine avec une diététicienne, en petits groupes.",
     "Les patients pourraient mieux manger et reprendre des forces plus vite.",
     "Deux anciens patients animent les ateliers avec la diététicienne.", "", False),
    ("Reprendre le travail après un cancer",
     "Un accompagnement pour préparer le retour au travail avec l’employeur.",
     "running", "ile-de-france", "AP-HP, service de médecine du travail",
     ["sein", "colorectal", "hematologie"], ["emploi", "apres-cancer"],
     "Une personne sur trois ne travaille plus deux ans après un cancer. Le retour au travail "
     "est souvent mal préparé.",
     "Un conseiller accompagne chaque personne pendant six mois. Il organise une rencontre "
     "avec l’employeur et le médecin du travail.",
     "Plus de personnes pourraient garder leur emploi, avec des horaires adaptés.",
     "Un comité de six patients suit l’étude et donne son avis à chaque étape.", "", False),
    ("Fatigue et sommeil pendant l’immunothérapie du poumon",
     "Mieux comprendre la fatigue des personnes traitées par immunothérapie.",
     "running", "nord-ouest", "Centre Oscar Lambret",
     ["poumon"], ["traitements", "qualite-de-vie"],
     "L’immunothérapie a changé le traitement du cancer du poumon. Mais beaucoup de patients "
     "se sentent très fatigués.",
     "Pendant un an, 150 patients portent un bracelet qui mesure leur sommeil. Ils répondent "
     "aussi à un court questionnaire chaque mois.",
     "Les médecins pourraient mieux prévenir et soulager la fatigue.",
     "Une association de patients a testé le bracelet et le questionnaire.", "", False),
    ("Dépistage du cancer colorectal : aller vers ceux qui ne le font pas",
     "Des médiateurs en santé pour expliquer le test de dépistage dans les quartiers.",
     "preparing", "provence", "Aix-Marseille Université, santé publique",
     ["colorectal"], ["prevention", "inegalites"],
     "Moins d’une personne sur trois fait le test de dépistage. C’est encore moins dans les "
     "quartiers pauvres.",
     "Des médiateurs en santé vont à la rencontre des habitants, au marché ou à la mairie, "
     "pour expliquer le test.",
     "Plus de cancers trouvés tôt, quand ils se soignent mieux.",
     "Des habitants des quartiers ont aidé à écrire les messages.",
     "Le test de dépistage trouve le cancer tôt.\nPeu de personnes font ce test.\nDes "
     "médiateurs vont parler aux habitants.", False),
    ("Les aidants de personnes atteintes de leucémie",
     "Mesurer la charge des proches et tester un soutien par téléphone.",
     "finished", "grand-sud-ouest", "Oncopole de Toulouse",
     ["hematologie"], ["entourage", "qualite-de-vie"],
     "Les proches aidants donnent beaucoup de temps. Ils oublient souvent leur propre santé.",
     "Pendant six mois, la moitié des aidants ont reçu un appel d’une psychologue chaque "
     "semaine.",
     "Les aidants appelés se sentaient moins seuls et moins épuisés. Ce soutien va être "
     "proposé dans trois hôpitaux.",
     "L’association Proches aidants en cancérologie a participé du début à la fin.", "", False),
    ("Protéger la peau au soleil dès l’enfance",
     "Des messages de prévention du mélanome pour les écoles.",
     "finished", "clara", "Hospices civils de Lyon, dermatologie",
     ["peau", "pediatrie"], ["prevention"],
     "Les coups de soleil dans l’enfance augmentent le risque de mélanome plus tard.",
     "Nous avons créé des jeux et des affiches pour 40 écoles primaires.",
     "Les enfants des écoles participantes se protègent mieux du soleil.",
     "Des parents et des enseignants ont choisi les messages.", "", False),
    ("Vivre avec un cancer de la prostate surveillé",
     "Comprendre l’inquiétude des hommes en surveillance active.",
     "running", "grand-ouest", "CHU de Rennes, urologie",
     ["prostate"], ["qualite-de-vie"],
     "Certains cancers de la prostate évoluent très lentement. On les surveille sans les "
     "traiter tout de suite. Cette attente peut inquiéter.",
     "Nous interrogeons 80 hommes et leurs conjointes, à plusieurs moments de la surveillance.",
     "Les équipes pourront mieux informer et rassurer les patients.",
     "Deux patients en surveillance font partie de l’équipe de recherche.", "", False),
    ("Accès aux soins pour les personnes vivant loin des hôpitaux",
     "Mesurer l’effet de la distance sur les soins des cancers gynécologiques.",
     "preparing", "est", "Université de Strasbourg, géographie de la santé",
     ["gynecologique"], ["inegalites"],
     "Certaines femmes habitent à plus d’une heure du premier centre spécialisé. Cela peut "
     "retarder leurs soins.",
     "Nous comparons les parcours de soins de 2 000 femmes selon la distance à l’hôpital.",
     "Les résultats aideront à mieux organiser les transports et les consultations à "
     "distance.",
     "Une association de patientes a choisi les questions les plus importantes.", "", False),
    ("Manger et avaler après un cancer ORL",
     "Des repas adaptés et un suivi orthophonique pour mieux se nourrir.",
     "running", "nord-ouest", "CHU de Lille, service ORL",
     ["orl"], ["nutrition-activite", "traitements"],
     "Après un cancer de la gorge, avaler peut devenir difficile. Beaucoup de patients "
     "maigrissent.",
     "Nous testons des repas à texture adaptée et des séances d’orthophonie à la maison.",
     "Les patients pourraient manger plus facilement et garder du poids.",
     "Un groupe de patients a goûté et noté les repas.", "", False),
    ("Les adolescents et jeunes adultes après un cancer",
     "Un suivi à long terme pensé avec les jeunes eux-mêmes.",
     "running", "ile-de-france", "Institut Gustave Roussy",
     ["pediatrie", "tous"], ["apres-cancer", "qualite-de-vie"],
     "Les jeunes guéris d’un cancer peuvent avoir des problèmes de santé des années plus "
     "tard. Beaucoup arrêtent leur suivi.",
     "Nous suivons une cohorte de 500 jeunes avec une application et des consultations "
     "adaptées à leur emploi du temps.",
     "Un suivi que les jeunes gardent vraiment, pour soigner tôt les problèmes.",
     "Un conseil de dix jeunes a dessiné l’application avec l’équipe.", "", False),
    ("Cancer du pancréas : soulager la douleur plus tôt",
     "Proposer plus tôt une consultation douleur aux patients.",
     "preparing", "provence", "Institut Paoli-Calmettes",
     ["pancreas"], ["traitements", "qualite-de-vie"],
     "La douleur est fréquente dans le cancer du pancréas. Elle est souvent traitée trop tard.",
     "Les patients auront une consultation douleur dès le diagnostic, au lieu d’attendre.",
     "Moins de douleur et une meilleure qualité de vie pendant les traitements.",
     "Des patients et des proches ont relu le protocole de l’étude.", "", False),
]


# The coordination's « mots simples »: hard words and what to write instead.
PLAIN_WORDS = [
    ("ancillaire", "complémentaire\nqui s’ajoute à l’étude principale"),
    ("critère de jugement", "ce que l’on mesure"),
    ("randomisé", "tiré au sort"),
    ("multicentrique", "dans plusieurs hôpitaux"),
    ("observance", "le fait de bien suivre son traitement"),
    ("pharmacocinétique", "le trajet du médicament dans le corps"),
    ("prospectif", "qui suit les personnes à partir d’aujourd’hui"),
]


def _falc_panel_readings(projects: list[Project], now) -> None:
    """An ESAT's FALC workshop with three readers; two of them understood every part of
    the checked texts, which gives those texts their badge."""
    from patientlab.projects import falc

    panel = db.session.scalar(select(FalcPanel).where(FalcPanel.name == FALC_PANEL))
    if panel is None:
        panel = FalcPanel(name=FALC_PANEL)
        db.session.add(panel)
        db.session.flush()
    readers = []
    for name in ("Julie", "Mehdi", "Sandrine"):
        reader = FalcReader(panel_id=panel.id, name=name, key=secrets.token_hex(16))
        db.session.add(reader)
        readers.append(reader)
    db.session.flush()
    for project in projects:
        for reader in readers[:2]:
            for number in range(1, len(falc.paragraphs(project)) + 1):
                db.session.add(FalcReading(
                    reader_id=reader.id, project_id=project.id, version=falc.version(project),
                    paragraph=number, understood=True, created_at=now - timedelta(days=20)))


#: PACA's own words, beside the national glossary and plain words.
PACA_GLOSSARY = [
    ("Institut Paoli-Calmettes", "Le centre de lutte contre le cancer de Marseille. On y "
     "soigne et on y fait de la recherche."),
]
PACA_PLAIN_WORDS = [("onco-hématologie", "les cancers du sang")]


def seed_network_words(network) -> None:
    """A network's own glossary term and plain word (once, by their words)."""
    for term, definition in PACA_GLOSSARY:
        if db.session.scalar(select(GlossaryTerm).where(GlossaryTerm.term == term)) is None:
            db.session.add(GlossaryTerm(term=term, slug=terms.slugify(term),
                                        definition=definition, network_id=network.id))
    for word, alternatives in PACA_PLAIN_WORDS:
        if db.session.scalar(select(PlainWord).where(PlainWord.word == word)) is None:
            db.session.add(PlainWord(word=word, alternatives=alternatives,
                                     network_id=network.id))


FALC_PANEL = "Atelier FALC de l’ESAT Les Ateliers du Rhône"


def seed_projects(researcher, raters, asker, moderator) -> int:
    """Create the demo projects once (identified by their titles)."""
    for term, definition in GLOSSARY:
        if db.session.scalar(select(GlossaryTerm).where(GlossaryTerm.term == term)) is None:
            db.session.add(GlossaryTerm(term=term, slug=terms.slugify(term),
                                        definition=definition))
    for word, alternatives in PLAIN_WORDS:
        if db.session.scalar(select(PlainWord).where(PlainWord.word == word)) is None:
            db.session.add(PlainWord(word=word, alternatives=alternatives))
    created = 0
    now = utcnow()
    checked: list[Project] = []
    for index, row in enumerate(PROJECTS):
        (title, teaser, status, region, lab, cancers, themes, why, what, change,
         involvement, falc, falc_checked) = row
        if db.session.scalar(select(Project).where(Project.title == title)) is not None:
            continue
        data = svc.ProjectData(
            title=title, teaser=teaser, research_status=status, region=region, lab=lab,
            team="Dr Claire Morel, épidémiologiste\nUne équipe de soignants et de chercheurs",
            cancer_types=cancers, themes=themes, why=why, what=what, change=change,
            involvement=involvement,
            scientific_abstract="Étude prospective ; critère principal évalué à 6 mois.",
            start_date=date(2025, 1 + index % 12, 1), end_date=date(2028, 1 + index % 12, 1),
            falc_text=falc)
        project = Project(owner_id=researcher.id, network_id=first_network_id(),
                          cancer_type_rows=[], theme_rows=[])
        svc._apply(project, data)
        project.publication = Publication.PUBLISHED
        project.published_at = now - timedelta(days=3 * (len(PROJECTS) - index))
        db.session.add(project)
        db.session.flush()
        created += 1
        if index == 0:
            _first_project_activity(project, raters, asker, moderator)
        if falc_checked:
            checked.append(project)
    if checked:
        _falc_panel_readings(checked, now)
    # One draft with a long, technical summary, to show the readability help.
    draft_title = "Biomarqueurs circulants et immunothérapie adjuvante"
    if db.session.scalar(select(Project).where(Project.title == draft_title)) is None:
        draft = Project(owner_id=researcher.id, network_id=first_network_id(),
                          cancer_type_rows=[], theme_rows=[])
        svc._apply(draft, svc.ProjectData(
            title=draft_title, teaser="", research_status="preparing", region="clara",
            lab="Centre Léon Bérard", team="", cancer_types=["sein"], themes=["traitements"],
            why=rich_text("Cette étude multicentrique randomisée évaluera l’efficacité d’une "
                          "immunothérapie adjuvante sur la survie sans progression des "
                          "patientes atteintes d’un cancer du sein métastatique, en intégrant "
                          "des biomarqueurs génomiques circulants."),
            what="", change="", involvement=""))
        db.session.add(draft)
        created += 1
    db.session.flush()
    return created


def _first_project_activity(project, raters, asker, moderator) -> None:
    answered = Question(
        project_id=project.id, author_id=asker.id,
        body="Est-ce que le programme convient aussi aux femmes de plus de 70 ans ?",
        moderation_state=ModerationState.PUBLISHED, moderated_by_id=moderator.id,
        moderated_at=utcnow())
    waiting = Question(
        project_id=project.id, author_id=asker.id,
        body="Peut-on faire le programme à deux, avec son conjoint ?",
        moderation_state=ModerationState.PUBLISHED, moderated_by_id=moderator.id,
        moderated_at=utcnow())
    pending = Question(
        project_id=project.id, author_id=asker.id,
        body="Combien de temps dure le programme en tout ?")
    refused = Question(
        project_id=project.id, author_id=raters[0].id,
        body="Mon oncologue au centre de Lyon Sud, le Dr X., dit que ce programme ne sert à "
        "rien. Qu’en pensez-vous ?",
        moderation_state=ModerationState.REFUSED, moderated_by_id=moderator.id,
        moderated_at=utcnow(), moderation_reason="identifying",
        moderation_note="Le nom de votre médecin permet de le reconnaître : reformulez sans.")
    db.session.add_all([answered, waiting, pending, refused])
    db.session.flush()
    db.session.add(Answer(
        question_id=answered.id, author_id=project.owner_id, asker_told_at=utcnow(),
        body="Oui. Les exercices sont adaptés à chaque personne, quel que soit son âge. "
        "L’éducateur ajuste le programme au premier appel.",
        moderation_state=ModerationState.PUBLISHED, moderated_by_id=moderator.id,
        moderated_at=utcnow()))
    # An answer the team just wrote, waiting for a moderator.
    db.session.add(Answer(
        question_id=waiting.id, author_id=project.owner_id,
        body="Oui, et c’est même conseillé : à deux, on tient plus facilement le rythme. "
        "Chacun a son propre programme."))
    from patientlab.moderation.models import Appeal, ContentReport

    # One question reported once (still visible), one refusal under appeal.
    db.session.add(ContentReport(kind="question", object_id=waiting.id,
                                 reporter_id=raters[0].id, reason="other",
                                 note="Je ne suis pas sûre que ce soit le bon endroit."))
    db.session.add(Appeal(kind="question", object_id=refused.id, author_id=raters[0].id,
                          text="Je ne voulais nuire à personne, je cherchais un avis.",
                          original_moderator_id=moderator.id))
    for rater, score, unclear in zip(raters, (4, 3), (
            "", "Je n’ai pas compris ce qu’est un éducateur sportif."), strict=False):
        db.session.add(ClarityRating(project_id=project.id, user_id=rater.id, score=score,
                                     unclear=unclear))
