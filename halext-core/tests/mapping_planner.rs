//! The planner's decisions on accounts shaped like the fixtures: every merge, collision,
//! conflict and skip, with its reasons. No database needed.

mod mapping_support;

use halext_core::mapping::plan::{
    CollisionPolicy, EmptyEmailPolicy, Plan, PlanPolicy, Planner, Reason, StatePolicy,
};
use halext_core::mapping::{BlockReason, LinkedAccount, MappingKey, MappingStatus};
use mapping_support::*;
use std::sync::Arc;

fn linked(site: &str, id: u64, username: &str, email: Option<&str>) -> LinkedAccount {
    LinkedAccount { key: key(site, id), username: username.into(), email: email.map(Into::into) }
}

fn key(site: &str, id: u64) -> MappingKey {
    MappingKey { site: Arc::from(site), legacy_id: id }
}

/// (status, username, email, reason codes) of one account.
fn get(
    plan: &Plan,
    site: &str,
    id: u64,
) -> (MappingStatus, Option<String>, Option<String>, Vec<&'static str>) {
    let d = plan
        .decisions()
        .find(|d| &**d.site == site && d.legacy_id == id)
        .unwrap_or_else(|| panic!("no decision for {site}:{id}"));
    (
        d.status,
        d.halext_username.map(str::to_owned),
        d.halext_email.map(str::to_owned),
        d.reasons.iter().map(|r| r.code()).collect(),
    )
}

fn reasons(plan: &Plan, site: &str, id: u64) -> Vec<Reason> {
    plan.decisions().find(|d| &**d.site == site && d.legacy_id == id).expect("decision").reasons
}

fn default_policy() -> PlanPolicy {
    PlanPolicy {
        site_priority: vec!["acmlm".into(), "wordpress".into(), "social".into()],
        now: Some(NOW),
        ..PlanPolicy::default()
    }
}

fn trusting_policy() -> PlanPolicy {
    PlanPolicy {
        site_priority: vec!["social".into(), "acmlm".into(), "wordpress".into()],
        trust_all_emails: true,
        now: Some(NOW),
        ..PlanPolicy::default()
    }
}

use MappingStatus::{Conflict, Linked, Planned, Skipped};

fn s(x: &str) -> Option<String> {
    Some(x.to_owned())
}

#[test]
fn default_policy_never_merges_unverified_emails() {
    let plan = Planner::new(default_policy()).plan_users(&all_users()).expect("plan");
    assert_eq!(plan.len(), 26);

    // Only ZEN3MP verifies emails: social alice keeps alice@example.com although acmlm has
    // higher priority, and the unverified holders of the same mailbox are conflicts, not merges.
    assert_eq!(get(&plan, "social", 1), (Planned, s("alice"), s("alice@example.com"), vec!["legacy_admin"]));
    let (st, name, _, codes) = get(&plan, "acmlm", 1);
    assert_eq!((st, name), (Conflict, None));
    assert_eq!(codes, vec!["email_not_trusted", "email_taken", "legacy_admin"]);
    assert!(reasons(&plan, "acmlm", 1).contains(&Reason::EmailTaken { winner: Some(key("social", 1)) }));
    assert_eq!(get(&plan, "wordpress", 1).0, Conflict);
    assert_eq!(get(&plan, "acmlm", 9).3, vec!["email_not_trusted", "email_taken", "unusable_hash"]);

    // bob@example.org on two unverified sites: acmlm has priority; WordPress' bob is a conflict.
    assert_eq!(
        get(&plan, "acmlm", 2),
        (Planned, s("bob"), s("bob@example.org"), vec!["email_not_trusted", "md5_hash"])
    );
    assert_eq!(get(&plan, "wordpress", 2).0, Conflict);
    assert!(reasons(&plan, "wordpress", 2).contains(&Reason::EmailTaken { winner: Some(key("acmlm", 2)) }));

    // Same mailbox twice on one site: the earlier registration keeps it.
    assert_eq!(get(&plan, "wordpress", 3).0, Planned);
    assert_eq!(get(&plan, "wordpress", 9).0, Conflict);
    assert_eq!(
        get(&plan, "acmlm", 7),
        (Planned, s("Zoë"), s("zoe@example.net"), vec!["email_not_trusted", "md5_hash"])
    );
    assert_eq!(get(&plan, "acmlm", 12).0, Conflict);

    // Usernames: acmlm's Jürgen keeps the name; ZEN3MP's Jürgen is suffixed (case-insensitive
    // compare, accents kept: WordPress' "jurgen" is a different name).
    assert_eq!(
        get(&plan, "acmlm", 3),
        (Planned, s("Jürgen"), s("acmlm-3@noemail.invalid"), vec!["email_placeholder"])
    );
    assert_eq!(get(&plan, "wordpress", 3).1, s("jurgen"));
    assert_eq!(get(&plan, "social", 2).1, s("Jürgen_2"));
    assert!(
        reasons(&plan, "social", 2)
            .contains(&Reason::UsernameSuffixed { wanted: "Jürgen".into(), winner: Some(key("acmlm", 3)) })
    );
    assert_eq!(
        get(&plan, "wordpress", 7),
        (Planned, s("noemail"), s("wordpress-7@noemail.invalid"), vec!["email_placeholder"])
    );
    assert_eq!(
        get(&plan, "social", 6),
        (
            Planned,
            s("noemail_2"),
            s("social-6@noemail.invalid"),
            vec!["username_suffixed", "email_placeholder"]
        )
    );

    // States: permanent ban, spam, deleted and unverified are skipped; a running temporary
    // ban and a closed account are planned and marked.
    for (site, id, state) in [
        ("acmlm", 5, BlockReason::Banned),
        ("wordpress", 4, BlockReason::Spam),
        ("wordpress", 10, BlockReason::Deleted),
        ("social", 3, BlockReason::Unverified),
    ] {
        assert_eq!(get(&plan, site, id), (Skipped, None, None, vec!["blocked"]), "{site}:{id}");
        assert_eq!(reasons(&plan, site, id), vec![Reason::Blocked { state, skipped: true }]);
    }
    assert_eq!(get(&plan, "acmlm", 6), (Planned, s("Tempy"), s("tempy@example.com"), vec!["blocked"]));
    assert_eq!(
        reasons(&plan, "social", 4),
        vec![Reason::Blocked { state: BlockReason::Closed, skipped: false }]
    );

    // Hashes are reported, never a reason to skip.
    assert_eq!(
        get(&plan, "acmlm", 11),
        (Planned, s("Shorty"), s("shorty@example.net"), vec!["unusable_hash"])
    );
    assert_eq!(get(&plan, "social", 5).3, vec!["md5_hash"]);
    assert_eq!(get(&plan, "wordpress", 11), (Planned, s("zerodate"), s("zero@example.com"), vec![]));

    let sum = plan.summary();
    assert_eq!(sum.by_status["skipped"], 4);
    assert_eq!(sum.by_status["conflict"], 6);
    assert_eq!(sum.by_status["planned"], 16);
    assert_eq!(sum.conflicts.len(), 6);
}

#[test]
fn trusted_emails_merge_identities_across_sites() {
    let plan = Planner::new(trusting_policy()).plan_users(&all_users()).expect("plan");

    // One person, three sites: one Halext account "alice", named after the primary account
    // (social has priority), one email.
    let alice = (Planned, s("alice"), s("alice@example.com"));
    for (site, id) in [("social", 1), ("acmlm", 1), ("wordpress", 1)] {
        let (st, name, email, _) = get(&plan, site, id);
        assert_eq!((st, name, email), alice, "{site}:{id}");
        assert!(reasons(&plan, site, id).contains(&Reason::MergedByEmail { accounts: 3 }));
    }
    assert!(reasons(&plan, "wordpress", 1).contains(&Reason::SecondaryAccount { primary: key("social", 1) }));
    let ids: Vec<u32> = [("social", 1), ("acmlm", 1), ("wordpress", 1)]
        .iter()
        .map(|(s, i)| plan.decisions().find(|d| &**d.site == *s && d.legacy_id == *i).expect("d").identity)
        .collect();
    assert!(ids.windows(2).all(|w| w[0] == w[1]));

    // A second account of the same mailbox on one site is never merged: conflict.
    let (st, _, _, codes) = get(&plan, "acmlm", 9);
    assert_eq!(st, Conflict);
    assert_eq!(codes, vec!["same_site_duplicate_email", "email_taken", "unusable_hash"]);
    assert!(reasons(&plan, "acmlm", 9).contains(&Reason::SameSiteDuplicateEmail { kept: key("acmlm", 1) }));

    // bob: acmlm outranks WordPress; the WordPress display name is not used.
    assert_eq!(get(&plan, "acmlm", 2).1, s("bob"));
    assert_eq!(get(&plan, "wordpress", 2).1, s("bob"));
    assert_eq!(
        plan.decisions().find(|d| &**d.site == "wordpress" && d.legacy_id == 2).expect("d").full_name,
        Some("Bobby Tables")
    );

    // social's Jürgen now outranks acmlm's.
    assert_eq!(get(&plan, "social", 2).1, s("Jürgen"));
    assert_eq!(get(&plan, "acmlm", 3).1, s("Jürgen_2"));
    assert_eq!(get(&plan, "wordpress", 9).0, Conflict);
    assert_eq!(get(&plan, "wordpress", 7).1, s("noemail_2"));
}

#[test]
fn per_site_trust_only_merges_the_trusted_site() {
    let policy = PlanPolicy { trusted_email_sites: vec!["wordpress".into()], ..default_policy() };
    let plan = Planner::new(policy).plan_users(&all_users()).expect("plan");
    // WordPress admin (trusted) merges with social alice (verified); acmlm Alice does not.
    assert_eq!(get(&plan, "wordpress", 1).1, s("admin").and(get(&plan, "social", 1).1));
    assert_eq!(get(&plan, "acmlm", 1).0, Conflict);
    assert!(reasons(&plan, "social", 1).contains(&Reason::MergedByEmail { accounts: 2 }));
    // The primary is WordPress' admin (priority), so the identity's username is "admin".
    assert_eq!(get(&plan, "social", 1).1, s("admin"));
}

#[test]
fn collision_and_email_policies_can_ask_for_an_operator() {
    let policy = PlanPolicy {
        username_collision: CollisionPolicy::Conflict,
        closed: StatePolicy::Skip,
        ..default_policy()
    };
    let plan = Planner::new(policy).plan_users(&all_users()).expect("plan");
    assert_eq!(get(&plan, "social", 2).0, Conflict);
    assert!(
        reasons(&plan, "social", 2)
            .contains(&Reason::UsernameTaken { wanted: "Jürgen".into(), winner: Some(key("acmlm", 3)) })
    );
    assert_eq!(get(&plan, "social", 6).3, vec!["username_taken", "email_placeholder"]);
    assert_eq!(get(&plan, "social", 4).0, Skipped);

    let policy = PlanPolicy { empty_email: EmptyEmailPolicy::Conflict, ..default_policy() };
    let plan = Planner::new(policy).plan_users(&all_users()).expect("plan");
    assert_eq!(get(&plan, "acmlm", 3), (Conflict, None, None, vec!["no_email"]));
    assert_eq!(get(&plan, "wordpress", 7).0, Conflict);
    assert_eq!(get(&plan, "social", 6).3, vec!["no_email"]);
    // A conflict holds no username: social's Jürgen is no longer suffixed.
    assert_eq!(get(&plan, "social", 2).1, s("Jürgen"));
}

#[test]
fn unsafe_logins_are_slugged_and_suffixes_never_steal_a_natural_name() {
    let mut users = to_users("acmlm", &acmlm()[..1]);
    let mut extra = users[0].clone();
    let mk = |id: u64, login: &str, email: &str, reg: i64| {
        let mut u = extra.clone();
        u.id = id;
        u.login = login.into();
        u.email = Some(email.into());
        u.registered_at = Some(reg);
        u.is_admin = false;
        u
    };
    users.push(mk(20, "ALICE", "a2@x.org", 1_300_000_000)); // wants "ALICE" → alice_2? no: alice_2 is someone's natural name
    users.push(mk(21, "alice_2", "a3@x.org", 1_400_000_000));
    users.push(mk(22, "Bobby Tables", "bt@x.org", 1_400_000_000));
    users.push(mk(23, "a/b?c", "ab@x.org", 1_400_000_000));
    users.push(mk(24, "//", "sl@x.org", 1_400_000_000));
    extra.id = 25;
    let plan = Planner::new(default_policy()).plan_users(&users).expect("plan");
    assert_eq!(get(&plan, "acmlm", 1).1, s("Alice"));
    assert_eq!(get(&plan, "acmlm", 21).1, s("alice_2"));
    assert_eq!(get(&plan, "acmlm", 20).1, s("ALICE_3"));
    assert_eq!(get(&plan, "acmlm", 22).1, s("Bobby_Tables"));
    assert_eq!(reasons(&plan, "acmlm", 22), vec![Reason::UsernameSlugged { from: "Bobby Tables".into() }]);
    assert_eq!(get(&plan, "acmlm", 23).1, s("a_b_c"));
    assert_eq!(
        (get(&plan, "acmlm", 24).1, get(&plan, "acmlm", 24).3),
        (s("acmlm_24"), vec!["username_fallback"])
    );
}

#[test]
fn existing_links_are_kept_reserved_and_shared_with_their_identity() {
    // acmlm:1 was linked to "Alice" by an earlier login. With trusted emails, social alice and
    // WordPress admin are the same identity: they get "Alice" too, and nobody else can take
    // the name case-insensitively.
    let plan = Planner::new(trusting_policy())
        .with_linked(vec![linked("acmlm", 1, "Alice", None)])
        .plan_users(&all_users())
        .expect("plan");
    assert_eq!(
        get(&plan, "acmlm", 1),
        (Linked, s("Alice"), None, vec!["already_linked", "merged_by_email", "legacy_admin"])
    );
    assert_eq!(get(&plan, "social", 1).1, s("Alice"));
    assert_eq!(get(&plan, "wordpress", 1).1, s("Alice"));
    assert_eq!(plan.rows().count(), plan.row_count());
    assert!(
        plan.rows().all(|r| !(&*r.site == "acmlm" && r.legacy_id == 1)),
        "apply never writes a linked row"
    );

    // A link with a name another identity wants: the link wins, the other is suffixed.
    let plan = Planner::new(default_policy())
        .with_linked(vec![linked("wordpress", 3, "jürgen", None)])
        .plan_users(&all_users())
        .expect("plan");
    assert_eq!(get(&plan, "wordpress", 3).1, s("jürgen"));
    assert_eq!(get(&plan, "acmlm", 3).1, s("Jürgen_2"));
    assert!(
        reasons(&plan, "acmlm", 3).contains(&Reason::UsernameSuffixed {
            wanted: "Jürgen".into(),
            winner: Some(key("wordpress", 3))
        })
    );
}

#[test]
fn a_link_plans_with_the_halext_email_it_recorded_not_the_legacy_one() {
    // acmlm:1 (unverified alice@example.com) was linked by an operator to "newalice" whose
    // Halext email is a placeholder. The Halext account does not own alice@example.com, so the
    // verified owner on ZEN3MP (social:1) keeps it instead of becoming a conflict.
    let plan = Planner::new(default_policy())
        .with_linked(vec![linked("acmlm", 1, "newalice", Some("acmlm-1@noemail.invalid"))])
        .plan_users(&all_users())
        .expect("plan");
    assert_eq!(get(&plan, "acmlm", 1).0, Linked);
    assert_eq!(get(&plan, "social", 1), (Planned, s("alice"), s("alice@example.com"), vec!["legacy_admin"]));
    // Without a recorded email the legacy one stands (as before): the link claims it.
    let plan = Planner::new(default_policy())
        .with_linked(vec![linked("acmlm", 1, "newalice", None)])
        .plan_users(&all_users())
        .expect("plan");
    assert_eq!(get(&plan, "social", 1).0, Conflict);
}

type Canon = (String, u64, MappingStatus, Option<String>, Option<String>, String);

#[test]
fn the_plan_does_not_depend_on_input_order() {
    let canon = |p: &Plan| {
        let mut v: Vec<Canon> = p
            .decisions()
            .map(|d| {
                (
                    d.site.to_string(),
                    d.legacy_id,
                    d.status,
                    d.halext_username.map(Into::into),
                    d.halext_email.map(Into::into),
                    d.reason_text(),
                )
            })
            .collect();
        v.sort();
        v
    };
    let users = all_users();
    let mut reversed = users.clone();
    reversed.reverse();
    let mut interleaved: Vec<_> = users.iter().step_by(2).cloned().collect();
    interleaved.extend(users.iter().skip(1).step_by(2).cloned());
    for policy in [default_policy(), trusting_policy()] {
        let a = canon(&Planner::new(policy.clone()).plan_users(&users).expect("plan"));
        assert_eq!(a, canon(&Planner::new(policy.clone()).plan_users(&reversed).expect("plan")));
        assert_eq!(a, canon(&Planner::new(policy).plan_users(&interleaved).expect("plan")));
    }
}

/// Sources are ingested apart, one part each, and joined in source order: the plan is the
/// one a single in-memory pass gives, decision for decision, links (on two sites) included.
#[tokio::test]
async fn plans_from_user_sources_in_batches() {
    let links = vec![linked("wordpress", 3, "jürgen", None), linked("acmlm", 1, "Alice", Some("a@x.org"))];
    for policy in [default_policy(), trusting_policy()] {
        let sources = vec![
            MemSource::boxed("acmlm", to_users("acmlm", &acmlm()), 3),
            MemSource::boxed("wordpress", to_users("wordpress", &wordpress()), 2),
            MemSource::boxed("social", to_users("social", &social()), 100),
        ];
        let planner = Planner::new(policy).with_linked(links.clone());
        let plan = planner.plan(sources).await.expect("plan");
        let direct = planner.plan_users(&all_users()).expect("plan");
        assert_eq!(plan.len(), 26);
        assert_eq!(plan.decisions().collect::<Vec<_>>(), direct.decisions().collect::<Vec<_>>());
        assert_eq!(plan.decisions().filter(|d| d.status == Linked).count(), 2);
    }
}

/// Administrators a source hands over after its rows (`UserSource::deferred_admins`) plan
/// exactly like administrators flagged on their rows; an id no batch returned changes nothing.
#[tokio::test]
async fn deferred_admins_plan_like_inline_ones() {
    let direct = Planner::new(default_policy()).plan_users(&all_users()).expect("plan");
    let admins = |plan: &halext_core::mapping::plan::Plan| {
        plan.decisions()
            .filter(|d| d.reasons.contains(&Reason::LegacyAdmin))
            .map(|d| d.key().to_string())
            .collect::<Vec<_>>()
    };
    let expected = admins(&direct);
    assert!(expected.len() >= 2, "the fixtures have administrators on two sites: {expected:?}");
    let sources = vec![
        MemSource::deferring("acmlm", to_users("acmlm", &acmlm()), 3),
        MemSource::deferring("wordpress", to_users("wordpress", &wordpress()), 2),
        MemSource::deferring("social", to_users("social", &social()), 100),
    ];
    let plan = Planner::new(default_policy()).plan(sources).await.expect("plan");
    assert_eq!(admins(&plan), expected);
    assert_eq!(plan.decisions().collect::<Vec<_>>(), direct.decisions().collect::<Vec<_>>());

    // Administrators that cannot be read fail the plan: no plan without its legacy_admin notes.
    let sources = vec![
        MemSource::boxed("acmlm", to_users("acmlm", &acmlm()), 3),
        MemSource::failing_admins("wordpress", to_users("wordpress", &wordpress()), 2),
    ];
    let err = Planner::new(default_policy()).plan(sources).await.expect_err("no plan");
    assert!(err.to_string().contains("usermeta read failed"), "{err}");
}

#[test]
fn reports_as_text_json_and_csv() {
    let plan = Planner::new(default_policy()).plan_users(&all_users()).expect("plan");
    let text = plan.summary().to_string();
    assert!(text.contains("26 accounts"), "{text}");
    assert!(text.contains("conflicts (6):"), "{text}");
    assert!(text.contains("acmlm:1 \"Alice\": "), "{text}");

    let mut json = Vec::new();
    plan.write_json(&mut json).expect("json");
    let v: serde_json::Value = serde_json::from_slice(&json).expect("valid JSON");
    assert_eq!(v["decisions"].as_array().map(Vec::len), Some(26));
    assert_eq!(v["summary"]["by_status"]["conflict"], 6);
    let social2 = v["decisions"]
        .as_array()
        .expect("arr")
        .iter()
        .find(|d| d["site"] == "social" && d["legacy_id"] == 2)
        .expect("d");
    assert_eq!(social2["halext_username"], "Jürgen_2");
    assert_eq!(social2["reasons"][0]["code"], "username_suffixed");
    assert_eq!(social2["reasons"][0]["winner"]["site"], "acmlm");

    let mut csv_out = Vec::new();
    plan.write_csv(&mut csv_out).expect("csv");
    let mut r = csv::Reader::from_reader(csv_out.as_slice());
    let headers = r.headers().expect("headers").clone();
    assert_eq!(&headers[0], "site");
    let rows: Vec<csv::StringRecord> = r.records().collect::<Result<_, _>>().expect("rows");
    assert_eq!(rows.len(), 26);
    let bob = rows.iter().find(|r| &r[0] == "acmlm" && &r[1] == "2").expect("bob");
    assert_eq!((&bob[3], &bob[4], &bob[8]), ("planned", "bob", "email_not_trusted;md5_hash"));

    // Hostile legacy strings: escapes shown as U+FFFD, a formula kept as text; JSON exact.
    let mut users = all_users();
    let bob = users.iter().position(|u| &*u.site == "acmlm" && u.id == 2).expect("acmlm:2, planned");
    users[bob].login = "=HYPERLINK(\"http://evil\")".into();
    users[bob].display_name = Some("red\x1b[31m name".into());
    let plan = Planner::new(default_policy()).plan_users(&users).expect("plan");
    let mut csv_out = Vec::new();
    plan.write_csv(&mut csv_out).expect("csv");
    let mut r = csv::Reader::from_reader(csv_out.as_slice());
    let row = r.records().nth(bob).expect("a row").expect("row");
    assert_eq!(&row[2], "'=HYPERLINK(\"http://evil\")");
    assert_eq!(&row[6], "red\u{fffd}[31m name");
    assert!(!String::from_utf8_lossy(&csv_out).contains('\x1b'));
    let mut json = Vec::new();
    plan.write_json(&mut json).expect("json");
    let v: serde_json::Value = serde_json::from_slice(&json).expect("json");
    assert_eq!(v["decisions"][bob]["login"], "=HYPERLINK(\"http://evil\")");
    assert_eq!(v["decisions"][bob]["full_name"], "red\x1b[31m name");
}

/// The plan JSON `json` with wordpress:2 (a conflict) turned into `planned` by hand under
/// `username` and `email`, read back as a plan file.
fn plan_wp_bob_by_hand(
    json: &[u8],
    username: &str,
    email: &str,
) -> Result<halext_core::mapping::plan::PlanFile, halext_core::mapping::MigrationError> {
    let mut v: serde_json::Value = serde_json::from_slice(json).expect("json");
    let d = v["decisions"]
        .as_array_mut()
        .expect("arr")
        .iter_mut()
        .find(|d| d["site"] == "wordpress" && d["legacy_id"] == 2)
        .expect("wp bob");
    d["status"] = "planned".into();
    d["halext_username"] = username.into();
    d["halext_email"] = email.into();
    halext_core::mapping::plan::PlanFile::read(serde_json::to_vec(&v).expect("json").as_slice())
}

#[test]
fn a_reviewed_json_plan_reads_back_into_the_same_rows() {
    use halext_core::mapping::plan::PlanFile;
    let plan = Planner::new(default_policy()).plan_users(&all_users()).expect("plan");
    let mut json = Vec::new();
    plan.write_json(&mut json).expect("json");
    let file = PlanFile::read(json.as_slice()).expect("read back");
    assert_eq!(file.run_id, plan.run_id());
    assert_eq!(file.rows().collect::<Vec<_>>(), plan.rows().collect::<Vec<_>>());
    assert_eq!(file.row_count(), plan.row_count());

    // An operator resolves a conflict by hand: accepted when the name is safe...
    let file = plan_wp_bob_by_hand(&json, "bob_wp", "bob+wp@example.org").expect("edited");
    assert!(file.rows().any(|r| r.halext_username.as_deref() == Some("bob_wp")));
    // ...refused when it is not.
    let err = plan_wp_bob_by_hand(&json, "bob/wp", "bob+wp@example.org").expect_err("unsafe name");
    assert!(err.to_string().contains("wordpress:2"), "{err}");
    // Emails must be addresses in the planner's normalised form.
    for (email, why) in [
        (" bob+wp@example.org", "write \"bob+wp@example.org\""),
        ("Bob+WP@example.org", "write \"bob+wp@example.org\""),
        ("nonsense", "not an address"),
        ("a@b@c", "not an address"),
        ("bob@example.org\nBcc: x@evil", "not an address"),
    ] {
        let err = plan_wp_bob_by_hand(&json, "bob_wp", email).expect_err(email).to_string();
        assert!(err.contains("wordpress:2") && err.contains(why), "{email:?}: {err}");
    }
    assert!(PlanFile::read(&b"{not json"[..]).is_err());
}

/// An edited plan that would give two people one Halext name or one mailbox is refused, naming
/// both rows; the planner's own plans always pass.
#[test]
fn an_edited_plan_cannot_plan_two_accounts_for_one_name_or_email() {
    use halext_core::mapping::plan::{PlanFile, check_accounts};
    use halext_core::mapping::{LinkedAccount, MappingKey};
    let plan = Planner::new(default_policy()).plan_users(&all_users()).expect("plan");
    let mut json = Vec::new();
    plan.write_json(&mut json).expect("json");
    let edit = |username: &str, email: &str| plan_wp_bob_by_hand(&json, username, email);
    // acmlm:2 is planned as `bob` (see the CSV test above).
    for (username, email, why) in
        [("BOB", "bob+wp@example.org", "is the same name as"), ("bob", "bob+wp@example.org", "another email")]
    {
        let err = edit(username, email).expect_err(username).to_string();
        assert!(err.contains("wordpress:2") && err.contains("acmlm:2") && err.contains(why), "{err}");
    }
    let bob_email = plan
        .decisions()
        .find(|d| &**d.site == "acmlm" && d.legacy_id == 2)
        .and_then(|d| d.halext_email.map(str::to_owned))
        .expect("bob's planned email");
    let err = edit("bob_wp", &bob_email).expect_err("same mailbox").to_string();
    assert!(err.contains("has the email of") && err.contains("acmlm:2"), "{err}");
    let err = edit("bob_wp", &bob_email.to_uppercase()).expect_err("same mailbox, upper-case").to_string();
    assert!(err.contains("not normalised"), "{err}");
    // The same name with the same email is the same person: accepted.
    let file = edit("bob", &bob_email).expect("bob's second account");

    // Against the store's links: a linked `carol` (another mailbox) takes the name.
    let link = |username: &str, email: Option<&str>| LinkedAccount {
        key: MappingKey { site: "social".into(), legacy_id: 999 },
        username: username.into(),
        email: email.map(str::to_owned),
    };
    let err = check_accounts(&file.decisions, &[link("Bob", Some("x@example.org"))], &[])
        .expect_err("linked name")
        .to_string();
    assert!(err.contains("social:999"), "{err}");
    check_accounts(&file.decisions, &[link("bob", Some(&bob_email))], &[])
        .expect("the link is bob's own account");
    check_accounts(&file.decisions, &[link("bob", None)], &[])
        .expect("a link without an email is not compared by email");
    let err = check_accounts(&file.decisions, &[link("bob", Some("x@example.org"))], &[])
        .expect_err("another bob")
        .to_string();
    assert!(err.contains("another email") && err.contains("social:999"), "{err}");
    // A row linked since the plan was made is skipped (apply keeps links), even under another
    // name with the planned email.
    let since = LinkedAccount {
        key: MappingKey { site: "wordpress".into(), legacy_id: 2 },
        username: "bob_on_halext".into(),
        email: Some(bob_email.clone()),
    };
    check_accounts(&file.decisions, &[since], &[]).expect("the row is linked now");
    // Rows planned for another site (a plan of some sites only cannot see them): compared by
    // name and by email.
    let elsewhere = |username: &str, email: &str| halext_core::mapping::PlannedRow {
        site: "forum".into(),
        legacy_id: 7,
        status: MappingStatus::Planned,
        halext_username: Some(username.into()),
        halext_email: Some(email.into()),
        full_name: None,
        reason: String::new(),
    };
    let err = check_accounts(&file.decisions, &[], &[elsewhere("robert", &bob_email)]).expect_err("mailbox");
    assert!(err.to_string().contains("has the email of forum:7"), "{err}");
    let err = check_accounts(&file.decisions, &[], &[elsewhere("BOB", "b@example.net")]).expect_err("name");
    assert!(err.to_string().contains("is the same name as forum:7"), "{err}");
    check_accounts(&file.decisions, &[], &[elsewhere("bob", &bob_email)])
        .expect("bob's own account elsewhere");
    let own = PlanFile::read(json.as_slice()).expect("the planner's plan");
    check_accounts(&own.decisions, &[], &[]).expect("passes");
}

#[test]
fn planning_futures_are_send() {
    fn assert_send<T: Send>(_: &T) {}
    let planner = Planner::new(default_policy());
    assert_send(&planner.plan(vec![MemSource::boxed("acmlm", Vec::new(), 1)]));
}
