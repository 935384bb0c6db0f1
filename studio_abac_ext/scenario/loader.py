"""Read a scenario file (YAML or JSON), check every rule, and build the typed Scenario."""

from __future__ import annotations

import base64
import hashlib
import json
import re
from pathlib import Path
from typing import Any

import yaml

from .model import (
    RESOURCE_KINDS,
    AccessKey,
    Domain,
    FederatedUser,
    OrganizationTrail,
    PolicyDocument,
    Resource,
    Role,
    SamlProvider,
    Scenario,
    ScenarioError,
    User,
    UserProfile,
)
from .rules import (
    ACCOUNT_ID,
    DOMAIN_ID,
    IAM_NAME,
    PLACEHOLDER,
    POLICY_NAME,
    PROFILE_NAME,
    REGION,
    SAGEMAKER_NAME,
    SAML_PROVIDER_NAME,
    SESSION_NAME,
    FieldReader,
    join,
)

TOP_LEVEL_FIELDS = {
    "account_id",
    "region",
    "teams",
    "substitutions",
    "policies",
    "roles",
    "users",
    "domain",
    "user_profiles",
    "resources",
    "saml_providers",
    "federated_users",
    "organization_trail",
}
TRAIL_FIELDS = {"bucket", "organization_id", "workgroup", "database", "table", "output_location"}
SSO_USER_IDENTIFIERS = ("UserName",)
RESOURCE_SECTIONS = {f"{kind}s": kind for kind in RESOURCE_KINDS}
DEFAULT_TRUST_POLICY = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Principal": {"Service": "sagemaker.amazonaws.com"},
            "Action": "sts:AssumeRole",
        }
    ],
}


def default_scenario_path() -> Path:
    """The scenario shipped in the package: the source document's teams, users and policies."""
    return Path(__file__).parent / "default" / "scenario.yaml"


def load_scenario(path: str | Path) -> Scenario:
    """Parse and validate a scenario file; raises ScenarioError naming the path and the rule."""
    file = Path(path)
    source = str(file)
    try:
        raw_text = file.read_text(encoding="utf-8")
    except OSError as error:
        raise ScenarioError(source, "(file)", f"cannot be read: {error.strerror}") from error
    try:
        data = json.loads(raw_text) if file.suffix == ".json" else yaml.safe_load(raw_text)
    except (json.JSONDecodeError, yaml.YAMLError) as error:
        raise ScenarioError(source, "(file)", f"is not valid YAML/JSON: {error}") from error
    return _ScenarioBuilder(FieldReader(source), file.parent).build(data)


def derive_access_key(account_id: str, principal: str, prefix: str = "AKIA") -> AccessKey:
    """A stable fake key pair for a sandbox principal, so clients know it without asking."""
    digest = hashlib.sha256(f"studio-abac-sandbox:{account_id}:{principal}".encode()).digest()
    key_id = prefix + base64.b32encode(digest[:10]).decode()[:16]
    secret = base64.b64encode(digest[10:30] + digest[:10]).decode()[:40]
    return AccessKey(access_key_id=key_id, secret_access_key=secret)


class _ScenarioBuilder:
    def __init__(self, reader: FieldReader, base_dir: Path) -> None:
        self.reader = reader
        self.base_dir = base_dir
        self.substitutions: dict[str, str] = {}
        self.policies: dict[str, PolicyDocument] = {}

    def build(self, data: Any) -> Scenario:
        read = self.reader
        top = read.mapping(data, "", TOP_LEVEL_FIELDS)
        account_id = read.text(read.required(top, "account_id", ""), "account_id", ACCOUNT_ID)
        region = read.text(read.required(top, "region", ""), "region", REGION)
        teams = tuple(
            read.text(team, f"teams[{index}]")
            for index, team in enumerate(read.sequence(top.get("teams"), "teams"))
        )
        self.substitutions = {"<account id>": account_id, "<region>": region}
        for key, value in read.mapping(top.get("substitutions") or {}, "substitutions").items():
            self.substitutions[key] = read.text(value, join("substitutions", key))
        for name, spec in read.mapping(top.get("policies") or {}, "policies").items():
            read.text(name, join("policies", name), POLICY_NAME)
            self.policies[name] = PolicyDocument(
                name, self._policy_text(spec, join("policies", name))
            )
        roles = tuple(
            self._role(item, f"roles[{i}]") for i, item in enumerate(self._list(top, "roles"))
        )
        users = tuple(
            self._user(item, f"users[{i}]", account_id)
            for i, item in enumerate(self._list(top, "users"))
        )
        self._unique([role.name for role in roles], "roles", "role names")
        self._unique([user.name for user in users], "users", "user names")
        domain = self._domain(read.required(top, "domain", ""), "domain", roles)
        providers = tuple(
            self._saml_provider(item, f"saml_providers[{i}]")
            for i, item in enumerate(self._list(top, "saml_providers"))
        )
        self._unique([p.name for p in providers], "saml_providers", "SAML provider names")
        federated = tuple(
            self._federated_user(item, f"federated_users[{i}]", roles, providers)
            for i, item in enumerate(self._list(top, "federated_users"))
        )
        self._unique([f.name for f in federated], "federated_users", "federated user names")
        profiles = tuple(
            self._profile(item, f"user_profiles[{i}]", roles, users, domain)
            for i, item in enumerate(self._list(top, "user_profiles"))
        )
        self._unique([profile.name for profile in profiles], "user_profiles", "profile names")
        self._unique([profile.owner for profile in profiles], "user_profiles", "profile owners")
        resources = self._resources(top.get("resources") or {}, users, profiles)
        return Scenario(
            account_id=account_id,
            region=region,
            teams=teams,
            policies=tuple(self.policies.values()),
            roles=roles,
            users=users,
            domain=domain,
            user_profiles=profiles,
            resources=resources,
            source=read.source,
            saml_providers=providers,
            federated_users=federated,
            organization_trail=self._trail(top.get("organization_trail")),
        )

    def _trail(self, data: Any) -> OrganizationTrail | None:
        if data is None:
            return None
        read = self.reader
        fields = read.mapping(data, "organization_trail", TRAIL_FIELDS)
        values = {
            key: read.text(
                read.required(fields, key, "organization_trail"), join("organization_trail", key)
            )
            for key in sorted(TRAIL_FIELDS)
        }
        if not values["organization_id"].startswith("o-"):
            raise read.fail("organization_trail.organization_id", "an organization id o-...")
        if not values["output_location"].startswith("s3://"):
            raise read.fail("organization_trail.output_location", "an s3:// URI")
        return OrganizationTrail(**values)

    def _list(self, data: dict[str, Any], key: str) -> list[Any]:
        return self.reader.sequence(data.get(key), key)

    def _unique(self, names: list[str], path: str, what: str) -> None:
        seen: set[str] = set()
        for name in names:
            if name in seen:
                raise self.reader.fail(path, f"{what} must be unique; {name!r} appears twice")
            seen.add(name)

    def _policy_text(self, spec: Any, path: str) -> str:
        """A policy given as a file path (relative to the scenario) or inline as a mapping."""
        read = self.reader
        if isinstance(spec, dict):
            text = json.dumps(spec, indent=2)
        else:
            relative = read.text(spec, path)
            file = self.base_dir / relative
            try:
                text = file.read_text(encoding="utf-8")
            except OSError as error:
                rule = f"policy file {relative!r} cannot be read: {error.strerror}"
                raise read.fail(path, rule) from error
        for placeholder, value in self.substitutions.items():
            text = text.replace(placeholder, value)
        leftover = PLACEHOLDER.search(text)
        if leftover:
            raise read.fail(
                path,
                f"placeholder {leftover.group(0)!r} is not substituted; "
                "give its value under 'substitutions'",
            )
        try:
            document = json.loads(text)
        except json.JSONDecodeError as error:
            raise read.fail(path, f"policy is not valid JSON: {error}") from error
        if not isinstance(document, dict) or "Statement" not in document:
            raise read.fail(path, "a policy document is a JSON object with a 'Statement'")
        return text

    def _policy_refs(self, value: Any, path: str) -> tuple[PolicyDocument, ...]:
        refs = []
        for index, name in enumerate(self.reader.sequence(value, path)):
            ref_path = f"{path}[{index}]"
            name = self.reader.text(name, ref_path)
            if name not in self.policies:
                known = ", ".join(sorted(self.policies)) or "none"
                raise self.reader.fail(ref_path, f"unknown policy {name!r} (policies: {known})")
            refs.append(self.policies[name])
        return tuple(refs)

    def _role(self, item: Any, path: str) -> Role:
        read = self.reader
        fields = {
            "name",
            "tags",
            "trust_policy",
            "managed_policies",
            "inline_policies",
            "description",
            "trust_statements",
        }
        data = read.mapping(item, path, fields)
        trust_spec = data.get("trust_policy")
        if "trust_statements" in data:
            if trust_spec is not None:
                raise read.fail(
                    join(path, "trust_statements"),
                    "give trust_policy or trust_statements, not both",
                )
            trust = self._trust_from_statements(
                data["trust_statements"], join(path, "trust_statements")
            )
        elif trust_spec is None:
            trust = json.dumps(DEFAULT_TRUST_POLICY, indent=2)
        elif isinstance(trust_spec, str) and trust_spec in self.policies:
            trust = self.policies[trust_spec].text
        else:
            trust = self._policy_text(trust_spec, join(path, "trust_policy"))
        return Role(
            name=read.text(read.required(data, "name", path), join(path, "name"), IAM_NAME),
            tags=read.tags(data.get("tags"), join(path, "tags")),
            trust_policy=trust,
            managed_policies=self._policy_refs(
                data.get("managed_policies"), join(path, "managed_policies")
            ),
            inline_policies=self._policy_refs(
                data.get("inline_policies"), join(path, "inline_policies")
            ),
            description=read.text(data.get("description", ""), join(path, "description")),
        )

    def _trust_from_statements(self, value: Any, path: str) -> str:
        """A trust policy made of statements, each a file (such as the document's
        IdentifyTransitiveTags statement) or a mapping."""
        statements = []
        for index, spec in enumerate(self.reader.sequence(value, path)):
            statements.append(json.loads(self._statement_text(spec, f"{path}[{index}]")))
        if not statements:
            raise self.reader.fail(path, "names at least one statement")
        policy = {"Version": "2012-10-17", "Statement": statements}
        return self._policy_text(policy, path)

    def _statement_text(self, spec: Any, path: str) -> str:
        read = self.reader
        if isinstance(spec, dict):
            return json.dumps(spec)
        relative = read.text(spec, path)
        try:
            text = (self.base_dir / relative).read_text(encoding="utf-8")
        except OSError as error:
            rule = f"statement file {relative!r} cannot be read: {error.strerror}"
            raise read.fail(path, rule) from error
        for placeholder, replacement in self.substitutions.items():
            text = text.replace(placeholder, replacement)
        try:
            statement = json.loads(text)
        except json.JSONDecodeError as error:
            raise read.fail(path, f"statement is not valid JSON: {error}") from error
        if not isinstance(statement, dict) or "Effect" not in statement:
            raise read.fail(path, "a statement is a JSON object with an 'Effect'")
        return text

    def _saml_provider(self, item: Any, path: str) -> SamlProvider:
        read = self.reader
        data = read.mapping(item, path, {"name", "metadata_file"})
        name = read.text(read.required(data, "name", path), join(path, "name"), SAML_PROVIDER_NAME)
        metadata = ""
        if data.get("metadata_file") is not None:
            relative = read.text(data["metadata_file"], join(path, "metadata_file"))
            try:
                metadata = (self.base_dir / relative).read_text(encoding="utf-8")
            except OSError as error:
                rule = f"metadata file {relative!r} cannot be read: {error.strerror}"
                raise read.fail(join(path, "metadata_file"), rule) from error
            if len(metadata) < 1000 or "EntityDescriptor" not in metadata:
                raise read.fail(
                    join(path, "metadata_file"),
                    "is not a SAML metadata document (an EntityDescriptor of 1000+ characters)",
                )
        return SamlProvider(name=name, metadata=metadata)

    def _federated_user(
        self, item: Any, path: str, roles: tuple[Role, ...], providers: tuple[SamlProvider, ...]
    ) -> FederatedUser:
        read = self.reader
        fields = {
            "name",
            "provider",
            "role",
            "session_tags",
            "transitive_tag_keys",
            "source_identity",
        }
        data = read.mapping(item, path, fields)
        name = read.text(read.required(data, "name", path), join(path, "name"), SESSION_NAME)
        provider = read.text(read.required(data, "provider", path), join(path, "provider"))
        if provider not in {p.name for p in providers}:
            known = ", ".join(p.name for p in providers) or "none"
            raise read.fail(
                join(path, "provider"),
                f"unknown SAML provider {provider!r} (saml_providers: {known})",
            )
        tags = read.tags(data.get("session_tags"), join(path, "session_tags"))
        transitive = tuple(
            read.text(key, f"{path}.transitive_tag_keys[{index}]")
            for index, key in enumerate(
                read.sequence(data.get("transitive_tag_keys"), join(path, "transitive_tag_keys"))
            )
        )
        for index, key in enumerate(transitive):
            if key not in tags:
                raise read.fail(
                    f"{path}.transitive_tag_keys[{index}]", f"{key!r} is not one of session_tags"
                )
        source_identity = read.text(data.get("source_identity", ""), join(path, "source_identity"))
        if source_identity and not SESSION_NAME.fullmatch(source_identity):
            raise read.fail(join(path, "source_identity"), f"must match {SESSION_NAME.pattern}")
        return FederatedUser(
            name=name,
            provider=provider,
            role=self._role_ref(read.required(data, "role", path), join(path, "role"), roles),
            session_tags=tags,
            transitive_tag_keys=transitive,
            source_identity=source_identity,
        )

    def _user(self, item: Any, path: str, account_id: str) -> User:
        read = self.reader
        fields = {"name", "tags", "managed_policies", "inline_policies", "access_keys"}
        data = read.mapping(item, path, fields)
        name = read.text(read.required(data, "name", path), join(path, "name"), IAM_NAME)
        keys = []
        for index, key in enumerate(
            read.sequence(data.get("access_keys"), join(path, "access_keys"))
        ):
            key_path = f"{path}.access_keys[{index}]"
            entry = read.mapping(key, key_path, {"access_key_id", "secret_access_key"})
            keys.append(
                AccessKey(
                    read.text(read.required(entry, "access_key_id", key_path), key_path),
                    read.text(read.required(entry, "secret_access_key", key_path), key_path),
                )
            )
        return User(
            name=name,
            tags=read.tags(data.get("tags"), join(path, "tags")),
            access_keys=tuple(keys) or (derive_access_key(account_id, name),),
            managed_policies=self._policy_refs(
                data.get("managed_policies"), join(path, "managed_policies")
            ),
            inline_policies=self._policy_refs(
                data.get("inline_policies"), join(path, "inline_policies")
            ),
        )

    def _role_ref(self, value: Any, path: str, roles: tuple[Role, ...]) -> str:
        name = self.reader.text(value, path)
        if name not in {role.name for role in roles}:
            known = ", ".join(role.name for role in roles) or "none"
            raise self.reader.fail(path, f"unknown role {name!r} (roles: {known})")
        return name

    def _domain(self, item: Any, path: str, roles: tuple[Role, ...]) -> Domain:
        read = self.reader
        data = read.mapping(
            item, path, {"name", "id", "auth_mode", "default_execution_role", "tags"}
        )
        name = read.text(read.required(data, "name", path), join(path, "name"), PROFILE_NAME)
        auth_mode = read.text(data.get("auth_mode", "IAM"), join(path, "auth_mode"))
        if auth_mode not in ("IAM", "SSO"):
            raise read.fail(join(path, "auth_mode"), "must be IAM or SSO")
        role_path = join(path, "default_execution_role")
        default_id = "d-" + re.sub(r"[^a-z0-9]", "", name.lower())
        return Domain(
            name=name,
            domain_id=read.text(data.get("id", default_id), join(path, "id"), DOMAIN_ID),
            auth_mode=auth_mode,
            default_execution_role=self._role_ref(
                read.required(data, "default_execution_role", path), role_path, roles
            ),
            tags=read.tags(data.get("tags"), join(path, "tags")),
        )

    def _profile(
        self,
        item: Any,
        path: str,
        roles: tuple[Role, ...],
        users: tuple[User, ...],
        domain: Domain,
    ) -> UserProfile:
        read = self.reader
        fields = {"name", "owner", "execution_role", "tags", "sso_user"}
        data = read.mapping(item, path, fields)
        name = read.text(read.required(data, "name", path), join(path, "name"), PROFILE_NAME)
        tags = read.tags(data.get("tags"), join(path, "tags"))
        owner = read.text(data.get("owner", tags.get("studiouserid", name)), join(path, "owner"))
        identifier, value = self._sso_user(data.get("sso_user"), join(path, "sso_user"), domain)
        # In an SSO domain the person is an Identity Center user, not an IAM user of the account.
        if not value and owner not in {user.name for user in users}:
            raise read.fail(join(path, "owner"), f"{owner!r} is not one of the scenario's users")
        role_path = join(path, "execution_role")
        return UserProfile(
            name=name,
            owner=owner,
            execution_role=self._role_ref(
                read.required(data, "execution_role", path), role_path, roles
            ),
            tags=tags,
            single_sign_on_user_identifier=identifier,
            single_sign_on_user_value=value,
        )

    def _sso_user(self, value: Any, path: str, domain: Domain) -> tuple[str, str]:
        """`sso_user: {identifier: UserName, value: <Identity Center user name>}` (SSO only)."""
        read = self.reader
        if value is None:
            if domain.auth_mode == "SSO":
                raise read.fail(path, "is required for a profile of an SSO domain")
            return "", ""
        if domain.auth_mode != "SSO":
            raise read.fail(path, "only profiles of an SSO domain (auth_mode: SSO) have one")
        data = read.mapping(value, path, {"identifier", "value"})
        identifier = read.text(data.get("identifier", "UserName"), join(path, "identifier"))
        if identifier not in SSO_USER_IDENTIFIERS:
            raise read.fail(join(path, "identifier"), "must be UserName (the only value AWS takes)")
        user_value = read.text(read.required(data, "value", path), join(path, "value"))
        if not 1 <= len(user_value) <= 256:
            raise read.fail(join(path, "value"), "must be 1-256 characters")
        return identifier, user_value

    def _resources(
        self, section: Any, users: tuple[User, ...], profiles: tuple[UserProfile, ...]
    ) -> tuple[Resource, ...]:
        read = self.reader
        data = read.mapping(section, "resources", set(RESOURCE_SECTIONS))
        principals = {user.name for user in users} | {f"{p.owner}@studio" for p in profiles}
        created: dict[str, set[str]] = {kind: set() for kind in RESOURCE_KINDS}
        resources: list[Resource] = []
        # Parents first, so a trial can name an experiment declared in the same file.
        for plural in sorted(
            RESOURCE_SECTIONS, key=lambda p: RESOURCE_KINDS.index(RESOURCE_SECTIONS[p])
        ):
            kind = RESOURCE_SECTIONS[plural]
            for index, item in enumerate(
                read.sequence(data.get(plural), join("resources", plural))
            ):
                path = f"resources.{plural}[{index}]"
                resource = self._resource(kind, item, path, principals, created)
                created[kind].add(resource.name.lower())
                resources.append(resource)
        return tuple(resources)

    def _resource(
        self, kind: str, item: Any, path: str, principals: set[str], created: dict[str, set[str]]
    ) -> Resource:
        read = self.reader
        fields = {"name", "tags", "created_by", "description", "experiment", "trial"}
        data = read.mapping(item, path, fields)
        name = read.text(read.required(data, "name", path), join(path, "name"), SAGEMAKER_NAME)
        if name.lower() in created[kind]:
            raise read.fail(join(path, "name"), f"{kind} {name!r} is declared twice")
        created_by = read.text(data.get("created_by", ""), join(path, "created_by"))
        if created_by and created_by not in principals:
            raise read.fail(join(path, "created_by"), f"{created_by!r} is not a scenario principal")
        parent_kind = {"trial": "experiment", "trial_component": "trial"}.get(kind)
        parent = ""
        if parent_kind is not None and (parent_kind == "experiment" or parent_kind in data):
            parent_path = join(path, parent_kind)
            parent = read.text(read.required(data, parent_kind, path), parent_path)
            if parent.lower() not in created[parent_kind]:
                raise read.fail(parent_path, f"no {parent_kind} named {parent!r} is declared")
        return Resource(
            kind=kind,
            name=name,
            tags=read.tags(data.get("tags"), join(path, "tags")),
            created_by=created_by,
            parent=parent,
            description=read.text(data.get("description", ""), join(path, "description")),
        )
