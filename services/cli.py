"""`iat-admin`: migrate the databases, seed demo data, manage staff and integrators' tokens,
send the e-mail waiting in the outboxes, tell the contacts of fiches qualified under an older
AI Act rule set, back up and restore, export or erase one person's
data and apply the retention rules (RGPD).

This module and `services/databases.py` are the composition root of the project: the only
modules that know every service.
"""

from __future__ import annotations

import argparse
import getpass
import json
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlmodel import Session

from services import backups, personal_data
from services.catalogue.ai_act import notices
from services.catalogue.ai_act.engine import rules as ai_act_rules
from services.common.auth import accounts
from services.common.auth.models import ROLES
from services.common.auth.tokens import issue_api_token
from services.common.database import create_db_engine
from services.common.errors import ProblemError
from services.common.mail import MailSettings, deliver_due, transport_for
from services.common.personal_data import RetentionSettings
from services.common.settings import AuthSettings
from services.common.sql import utcnow
from services.databases import DATABASES

DEMO_ADMIN_EMAIL = "admin@example.org"
DEMO_ADMIN_PASSWORD = "demo-admin-2026"  # noqa: S105 - the documented demo account


def alembic_config(name: str, *, database_url: str | None = None) -> Config:
    """The Alembic configuration of database `name` (ini file found from the working dir)."""
    ini = Path(os.environ.get("IAT_ALEMBIC_INI", "alembic.ini"))
    if not ini.is_file():
        raise SystemExit(
            f"alembic.ini introuvable ({ini.resolve()}) : lancez depuis la racine du projet."
        )
    config = Config(str(ini), ini_section=name)
    config.attributes["database_url"] = database_url or DATABASES[name].url()
    return config


def migrate(args: argparse.Namespace) -> None:
    for name in [args.service] if args.service else DATABASES:
        command.upgrade(alembic_config(name), "head")
        print(f"{name} : schéma à jour")


@contextmanager
def _session(url: str) -> Iterator[Session]:
    """A session on `url` whose engine is closed afterwards: the CLI leaves no connection open."""
    engine = create_db_engine(url, pool_size=1)
    try:
        with Session(engine, expire_on_commit=False) as session:
            yield session
    finally:
        engine.dispose()


def _accounts_session() -> AbstractContextManager[Session]:
    return _session(AuthSettings().database_url)


def seed(_args: argparse.Namespace) -> None:
    for name, database in DATABASES.items():
        if database.seed is None:
            continue
        with _session(database.url()) as session:
            added = database.seed(session)
            session.commit()
        print(
            f"{name} : {added} éléments de démonstration ajoutés"
            if added
            else f"{name} : déjà rempli"
        )
    _seed_demo_admin(
        email=os.environ.get("DEMO_ADMIN_EMAIL") or DEMO_ADMIN_EMAIL,
        password=os.environ.get("DEMO_ADMIN_PASSWORD") or DEMO_ADMIN_PASSWORD,
    )


def _seed_demo_admin(*, email: str, password: str) -> None:
    """The demo account always has the announced password, so what `make up` prints is true."""
    with _accounts_session() as session:
        if accounts.find_staff(session, email=email) is None:
            accounts.create_staff(
                session,
                email=email,
                name="Administrateur de démonstration",
                password=password,
                roles=["admin"],
            )
        else:
            accounts.reset_staff(session, email=email, password=password, roles=["admin"])
        session.commit()
    print(f"compte de démonstration : {email} / {password}")


def _read_password(args: argparse.Namespace) -> str:
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\n")
    first = getpass.getpass("Mot de passe : ")
    if getpass.getpass("Confirmez : ") != first:
        raise SystemExit("Les deux saisies diffèrent.")
    return first


def staff_add(args: argparse.Namespace) -> None:
    password = _read_password(args)
    with _accounts_session() as session:
        account = accounts.create_staff(
            session,
            email=args.email,
            name=args.name or args.email,
            password=password,
            roles=args.role,
        )
        session.commit()
        print(f"compte créé : {account.email} ({account.roles})")


def staff_list(_args: argparse.Namespace) -> None:
    with _accounts_session() as session:
        for account in accounts.list_staff(session):
            state = "désactivé" if account.disabled_at else "actif"
            print(f"{account.email}\t{account.roles}\t{state}\t{account.name}")


def staff_set_disabled(disabled: bool) -> Callable[[argparse.Namespace], None]:
    def run(args: argparse.Namespace) -> None:
        with _accounts_session() as session:
            account = accounts.set_staff_disabled(session, email=args.email, disabled=disabled)
            session.commit()
            print(f"{account.email} : {'désactivé' if disabled else 'réactivé'}")

    return run


def token_issue(args: argparse.Namespace) -> None:
    settings = AuthSettings()
    settings.signing_key()  # before anything is saved: a token nobody can use is worse than none
    with _session(settings.database_url) as session:
        record = accounts.create_api_token(
            session, name=args.name, scopes=args.scope, days=args.days
        )
        session.commit()
    bearer = issue_api_token(record, settings=settings)
    print(f"jeton {record.id} ({record.scopes}), valable jusqu'au {record.expires_at:%Y-%m-%d}.")
    print("Conservez-le maintenant, il ne sera plus affiché :", file=sys.stderr)
    print(bearer)


def token_list(_args: argparse.Namespace) -> None:
    with _accounts_session() as session:
        for record in accounts.list_api_tokens(session):
            state = "révoqué" if record.revoked_at else f"expire le {record.expires_at:%Y-%m-%d}"
            print(f"{record.id}\t{record.name}\t{record.scopes}\t{state}")


def token_revoke(args: argparse.Namespace) -> None:
    with _accounts_session() as session:
        record = accounts.revoke_api_token(session, token_id=args.token_id)
        session.commit()
        print(f"jeton {record.id} révoqué")


def mail_deliver(args: argparse.Namespace) -> None:
    settings = MailSettings()
    for name in [args.service] if args.service else DATABASES:
        outbox = DATABASES[name].outbox
        if outbox is None:
            continue
        engine = create_db_engine(DATABASES[name].url(), pool_size=1)
        try:
            report = deliver_due(engine, outbox, settings, transport_for(settings, service=name))
        finally:
            engine.dispose()
        print(
            f"{name} : {report.sent} envoyé(s), {report.retried} à réessayer, {report.failed} en échec"
        )


def requalify_notices(_args: argparse.Namespace) -> None:
    with _session(DATABASES["catalogue"].url()) as session:
        sent = notices.send_notices(session, MailSettings())
        session.commit()
    print(
        f"catalogue : {sent} fiche(s) à requalifier au regard des règles "
        f"v{ai_act_rules().version}, contact prévenu (courriel en attente d'envoi)"
    )


def _targets(args: argparse.Namespace) -> list[backups.Target]:
    names = [args.service] if args.service else list(DATABASES)
    return [backups.Target(name, DATABASES[name].url(), DATABASES[name].metadata) for name in names]


def backup(args: argparse.Namespace) -> None:
    counts = backups.backup(_targets(args), Path(args.folder))
    for name, rows in counts.items():
        print(f"{name} : {sum(rows.values())} lignes sauvegardées dans {args.folder}")


def restore(args: argparse.Namespace) -> None:
    counts = backups.restore(_targets(args), Path(args.folder))
    for name, rows in counts.items():
        print(f"{name} : {sum(rows.values())} lignes restaurées et vérifiées")


def _chosen(args: argparse.Namespace) -> list[str]:
    return [args.service] if args.service else list(DATABASES)


def _urls(names: list[str]) -> dict[str, str]:
    return {name: DATABASES[name].url() for name in names}


def _counts(counts: dict[str, int]) -> str:
    return ", ".join(f"{table} {count}" for table, count in counts.items()) or "rien"


def personal_data_export(args: argparse.Namespace) -> None:
    names = _chosen(args)
    document = {
        "email": args.email,
        "generated_at": utcnow().isoformat(),
        "services": personal_data.export(_urls(names), args.email, services=names),
    }
    text = json.dumps(document, ensure_ascii=False, indent=2) + "\n"
    if args.output is None:
        sys.stdout.write(text)
        return
    # Personal data: readable by its owner only.
    descriptor = os.open(args.output, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as file:
        file.write(text)
    print(f"export écrit dans {args.output}", file=sys.stderr)


def personal_data_erase(args: argparse.Namespace) -> None:
    names = _chosen(args)
    for name, counts in personal_data.erase(_urls(names), args.email, services=names).items():
        print(f"{name} : {_counts(counts)}")


def retention_apply(args: argparse.Namespace) -> None:
    names = _chosen(args)
    counts = personal_data.apply_retention(
        _urls(names), RetentionSettings(), now=utcnow(), dry_run=args.dry_run, services=names
    )
    verb = "à effacer" if args.dry_run else "effacé(s)"
    for name, tables in counts.items():
        print(f"{name} : {verb} : {_counts(tables)}")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="iat-admin", description=__doc__)
    commands = parser.add_subparsers(required=True, metavar="COMMANDE")
    _add_database_commands(commands)
    _add_staff_commands(commands)
    _add_token_commands(commands)
    _add_mail_commands(commands)
    _add_personal_data_commands(commands)
    return parser


Commands = argparse._SubParsersAction  # argparse exposes no public name for it


def _add_database_commands(commands: Commands) -> None:  # type: ignore[type-arg]
    p = commands.add_parser("migrate", help="met à jour le schéma des bases (toutes par défaut)")
    p.add_argument("--service", choices=DATABASES)
    p.set_defaults(run=migrate)
    p = commands.add_parser("seed", help="remplit les bases vides avec la démonstration")
    p.set_defaults(run=seed)
    p = commands.add_parser("backup", help="sauvegarde les bases dans un dossier")
    p.add_argument("folder")
    p.add_argument("--service", choices=DATABASES)
    p.set_defaults(run=backup)
    p = commands.add_parser(
        "restore", help="remplace les bases par une sauvegarde (services arrêtés), puis vérifie"
    )
    p.add_argument("folder")
    p.add_argument("--service", choices=DATABASES)
    p.set_defaults(run=restore)


def _add_staff_commands(commands: Commands) -> None:  # type: ignore[type-arg]
    staff = commands.add_parser("staff", help="comptes du personnel")
    actions = staff.add_subparsers(required=True, metavar="ACTION")
    p = actions.add_parser("add", help="crée un compte")
    p.add_argument("email")
    p.add_argument("--name")
    p.add_argument("--role", action="append", required=True, choices=ROLES)
    p.add_argument(
        "--password-stdin", action="store_true", help="lit le mot de passe sur l'entrée standard"
    )
    p.set_defaults(run=staff_add)
    actions.add_parser("list", help="liste les comptes").set_defaults(run=staff_list)
    for action, disabled in (("disable", True), ("enable", False)):
        p = actions.add_parser(
            action, help="désactive un compte" if disabled else "réactive un compte"
        )
        p.add_argument("email")
        p.set_defaults(run=staff_set_disabled(disabled))


def _add_token_commands(commands: Commands) -> None:  # type: ignore[type-arg]
    token = commands.add_parser("token", help="jetons d'API des intégrateurs")
    actions = token.add_subparsers(required=True, metavar="ACTION")
    p = actions.add_parser("issue", help="émet un jeton (affiché une seule fois)")
    p.add_argument("--name", required=True, help="qui l'utilise (application, intégrateur)")
    p.add_argument(
        "--scope", action="append", required=True, help="<service>:read ou <service>:write"
    )
    p.add_argument("--days", type=int, default=90)
    p.set_defaults(run=token_issue)
    actions.add_parser("list", help="liste les jetons").set_defaults(run=token_list)
    p = actions.add_parser("revoke", help="révoque un jeton sur les trois services")
    p.add_argument("token_id")
    p.set_defaults(run=token_revoke)


def _add_mail_commands(commands: Commands) -> None:  # type: ignore[type-arg]
    mail = commands.add_parser("mail", help="courriels en attente dans les boîtes d'envoi")
    actions = mail.add_subparsers(required=True, metavar="ACTION")
    p = actions.add_parser("deliver", help="envoie maintenant ce qui est dû")
    p.add_argument(
        "--service", choices=[name for name, db in DATABASES.items() if db.outbox is not None]
    )
    p.set_defaults(run=mail_deliver)
    p = commands.add_parser(
        "requalify-notices",
        help="prévient une fois le contact de chaque fiche qualifiée sous d'anciennes règles IA",
    )
    p.set_defaults(run=requalify_notices)


def _add_personal_data_commands(commands: Commands) -> None:  # type: ignore[type-arg]
    data = commands.add_parser("personal-data", help="données personnelles d'une personne (RGPD)")
    actions = data.add_subparsers(required=True, metavar="ACTION")
    p = actions.add_parser("export", help="tout ce que les bases gardent sur une adresse (JSON)")
    p.add_argument("--email", required=True)
    p.add_argument("--service", choices=DATABASES)
    p.add_argument("--output", help="fichier à écrire (sinon la sortie standard)")
    p.set_defaults(run=personal_data_export)
    p = actions.add_parser(
        "erase", help="efface ou anonymise les données d'une adresse (inscrit au journal d'audit)"
    )
    p.add_argument("--email", required=True)
    p.add_argument("--service", choices=DATABASES)
    p.set_defaults(run=personal_data_erase)
    retention = commands.add_parser("retention", help="durées de conservation (RGPD)")
    actions = retention.add_subparsers(required=True, metavar="ACTION")
    p = actions.add_parser("apply", help="efface ce qui a dépassé sa durée de conservation")
    p.add_argument("--dry-run", action="store_true", help="compte sans rien effacer")
    p.add_argument("--service", choices=DATABASES)
    p.set_defaults(run=retention_apply)


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        args.run(args)
    except ProblemError as error:
        print(f"erreur : {error.detail}", file=sys.stderr)
        return 2
    except backups.BackupError as error:
        print(f"erreur : {error}", file=sys.stderr)
        return 2
    except ValueError as error:  # settings missing or invalid (pydantic errors included)
        print(f"erreur de configuration : {error}", file=sys.stderr)
        return 2
    return 0
