"""The first version of the participation charter, as seed data.

Every version of the charter, this one included, is stored in ``charter_version``: the
pages show what is stored, never this module. The text here only fills version 2026-1
where it is missing: in the migration that added the texts (databases made before) and
when the table is created (``db.create_all``: development and tests). A later version is
written by an admin on « Administration › Charte de participation »; this text is never
edited, since people accepted it as it is.

The texts are in the form an admin would type: the allowlist of core.sanitize (paragraphs,
lists, emphasis, links) and nothing else. Links to the platform's pages are paths from its
root (« /compte/donnees »): the pages put the application's root in front of them
(``site_paths``). The coordination's address is a setting, not text: the charter's pages
give it under the text.

The links came after the text went in (2026-12): ``without_links`` gives the text as the
first databases stored it, which the migration that adds them looks for.
"""

import re
from datetime import UTC, datetime

VERSION = "2026-1"
PUBLISHED_AT = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)

SUMMARY = "Première version de la charte de participation."
SUMMARY_EN = "First version of the participation charter."

BODY = """\
<p>Cette charte s’applique aux patientes et patients experts et aux représentantes et \
représentants d’associations qui relisent des projets de recherche sur PatientLab. Elle dit \
ce que vous vous engagez à faire, et ce que la plateforme s’engage à faire pour vous.</p>
<p><strong>Vos engagements</strong></p>
<ol>
<li><strong>Confidentialité.</strong> Les demandes de financement que vous relisez sont \
confidentielles. Vous ne les partagez avec personne, vous ne les copiez pas et vous ne parlez \
pas de leur contenu en dehors du comité. Cela reste vrai après la fin de l’appel.</li>
<li><strong>Liens d’intérêts.</strong> Avant chaque relecture, vous dites si vous connaissez \
l’équipe, si vous êtes soignée ou soigné dans le même établissement, ou si vous avez un autre \
lien avec le projet. En cas de doute, dites-le : la coordination confie alors la relecture à \
quelqu’un d’autre.</li>
<li><strong>Respect.</strong> Vos avis sont francs et bienveillants. Vous parlez du projet, \
jamais des personnes. Vous ne donnez pas de conseil médical.</li>
<li><strong>Votre expérience.</strong> On ne vous demande pas d’être spécialiste de la \
science. Votre regard de patiente, de patient ou de proche est ce qui manque aux équipes de \
recherche : dites ce que le projet changerait pour les personnes malades.</li>
</ol>
<p><strong>Les engagements de la plateforme</strong></p>
<ol>
<li><strong>Vos relectures restent anonymes.</strong> Les équipes de recherche lisent vos \
avis sans votre nom. La coordination relit chaque avis avant de le transmettre et retire ce \
qui pourrait vous faire reconnaître.</li>
<li><strong>Vos données servent à la relecture, et à rien d’autre.</strong> Nous gardons \
votre nom, votre adresse e-mail, vos liens d’intérêts et vos relectures pour organiser les \
appels à projets. Nous ne les vendons pas et ne les donnons à personne. Vous pouvez les voir \
et les télécharger dans « <a href="/compte/donnees">Mes données</a> ». La page \
« <a href="/confidentialite">Vos données personnelles</a> » dit tout en détail.</li>
<li><strong>Un accompagnement.</strong> Une personne de la coordination répond à vos \
questions. Elle vous propose chaque relecture par e-mail, avec une date limite, et vous \
pouvez toujours dire non.</li>
<li><strong>Vous pouvez arrêter à tout moment.</strong> Vous pouvez refuser une relecture ou \
quitter le groupe sans donner de raison. Pour partir, écrivez à la coordination ou supprimez \
votre compte depuis « <a href="/compte/donnees">Mes données</a> ». Les relectures déjà \
transmises restent, sans votre \
nom.</li>
</ol>
<p>Si la charte change, nous vous montrons ce qui change. Vous l’acceptez à nouveau avant \
votre prochaine relecture.</p>"""

BODY_EN = """\
<p>This charter applies to patient experts and to representatives of associations who review \
research projects on PatientLab. It says what you commit to do, and what the platform commits \
to do for you.</p>
<p><strong>Your commitments</strong></p>
<ol>
<li><strong>Confidentiality.</strong> The funding applications you review are confidential. \
You do not share them with anyone, you do not copy them and you do not talk about what they \
say outside the committee. This stays true after the call has ended.</li>
<li><strong>Conflicts of interest.</strong> Before each review, you say whether you know the \
team, whether you are treated in the same hospital, or whether you have any other link with \
the project. If in doubt, say so: the coordination then gives the review to someone \
else.</li>
<li><strong>Respect.</strong> Your opinions are frank and kind. You speak about the project, \
never about people. You do not give medical advice.</li>
<li><strong>Your experience.</strong> Nobody asks you to be a scientist. Your view as a \
patient or as a relative is what research teams lack: say what the project would change for \
people who are ill.</li>
</ol>
<p><strong>The platform’s commitments</strong></p>
<ol>
<li><strong>Your reviews stay anonymous.</strong> Research teams read your opinions without \
your name. The coordination reads each review before passing it on and removes anything that \
could identify you.</li>
<li><strong>Your data is used for reviewing, and nothing else.</strong> We keep your name, \
your e-mail address, your declarations of interests and your reviews to run the calls for \
projects. We do not sell them or give them to anyone. You can see and download them in \
“<a href="/compte/donnees">My data</a>”. The page “<a href="/confidentialite">Your personal \
data</a>” tells everything in detail.</li>
<li><strong>Support.</strong> A person from the coordination answers your questions. They \
offer you each review by e-mail, with a deadline, and you can always say no.</li>
<li><strong>You can stop at any time.</strong> You can decline a review or leave the group \
without giving a reason. To leave, write to the coordination or delete your account from \
“<a href="/compte/donnees">My data</a>”. Reviews already passed on stay, without your name.</li>
</ol>
<p>If the charter changes, we show you what changes. You accept it again before your next \
review.</p>"""


def without_links(text: str) -> str:
    """The text with its links' tags taken out, their words left."""
    return re.sub(r"</?a\b[^>]*>", "", text)


def first_version() -> dict:
    """The row of version 2026-1, for an insert into ``charter_version``."""
    return {"version": VERSION, "summary": SUMMARY, "summary_en": SUMMARY_EN, "body": BODY,
            "body_en": BODY_EN, "published_at": PUBLISHED_AT, "published_by_id": None}
