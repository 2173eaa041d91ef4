//! Generated demo users who belong to many organizations: `orgs10`,
//! `orgs1000` and `orgs10000`, for benchmarks of how authdash scales with
//! the size of a user's claims.
//!
//! Nothing here is stored in the repository. The three users are cheap and
//! always listed; their 10,000 organizations (and 11,010 memberships) are
//! built on first use only, so `authdash demo` with alice or bob neither
//! waits for them nor holds them in memory. Everything is deterministic (a
//! hash of the position, no randomness): two runs serve the same claims,
//! byte for byte, so benchmark runs compare.

use std::collections::HashMap;

use super::model::{Membership, Org, Roles, User};

/// How many organizations each generated user belongs to; the user's short
/// id is `orgs{N}`. The orgs of a smaller user are the first orgs of a
/// larger one.
pub(crate) const GENERATED_SIZES: [usize; 3] = [10, 1_000, 10_000];

/// The generated users, cheap to make: names, emails and subjects only.
pub(super) fn users() -> Vec<User> {
    let people = [
        ("Olivia", "Ten"),
        ("Oscar", "Thousand"),
        ("Otto", "Tenthousand"),
    ];
    GENERATED_SIZES
        .iter()
        .zip(people)
        .map(|(&n, (first, last))| {
            let id = user_id(n);
            User {
                user_id: uuid(0x5eed_0000_0000_0000 ^ n as u64),
                email: format!("{id}@example.com"),
                first_name: first.to_owned(),
                last_name: last.to_owned(),
                username: Some(id.clone()),
                picture_url: None,
                id,
            }
        })
        .collect()
}

/// `orgs{n}`.
fn user_id(n: usize) -> String {
    format!("orgs{n}")
}

/// How many orgs the generated user `id` is in; `None` for anyone else.
pub(super) fn org_count(id: &str) -> Option<usize> {
    let n: usize = id.strip_prefix("orgs")?.parse().ok()?;
    (GENERATED_SIZES.contains(&n) && user_id(n) == id).then_some(n)
}

/// The role (its position in `roles.order`) held in the `i`-th of a
/// user's generated orgs by name: the highest role in one org of ten, the
/// second in three, the lowest in the rest; so the first by name (the one
/// authdash makes active) opens every panel.
pub(super) fn role_rank(i: usize, roles: &Roles) -> usize {
    let lowest = roles.order.len().saturating_sub(1);
    match i % 10 {
        0 => 0,
        1..=3 => 1.min(lowest),
        _ => lowest,
    }
}

/// "Owner of 1, Admin of 3, Member of 6 generated organizations", without
/// generating them.
pub(super) fn summary(n: usize, roles: &Roles) -> String {
    let mut counts = vec![0usize; roles.order.len()];
    for i in 0..n {
        if let Some(count) = counts.get_mut(role_rank(i, roles)) {
            *count += 1;
        }
    }
    let parts: Vec<String> = roles
        .order
        .iter()
        .zip(counts)
        .filter(|(_, count)| *count > 0)
        .map(|(role, count)| format!("{role} of {count}"))
        .collect();
    format!("{} generated organizations", parts.join(", "))
}

/// The generated organizations and the generated users' memberships.
pub(super) struct Generated {
    orgs: Vec<Org>,
    /// `org_id` → position in `orgs`.
    by_id: HashMap<String, usize>,
    /// `url_safe_org_name` → position in `orgs`.
    by_name: HashMap<String, usize>,
    /// User short id → its memberships, the i-th in `orgs[i]`.
    memberships: HashMap<String, Vec<Membership>>,
}

impl std::fmt::Debug for Generated {
    /// Counts, not 10,000 organizations.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Generated")
            .field("orgs", &self.orgs.len())
            .field("users", &self.memberships.len())
            .finish()
    }
}

impl Generated {
    /// Builds every generated org and membership (a few milliseconds).
    pub(super) fn build(roles: &Roles) -> Generated {
        let max = GENERATED_SIZES.iter().copied().max().unwrap_or(0);
        let orgs: Vec<Org> = (0..max).map(org).collect();
        let by_id = orgs
            .iter()
            .enumerate()
            .map(|(i, o)| (o.org_id.clone(), i))
            .collect();
        let by_name = orgs
            .iter()
            .enumerate()
            .map(|(i, o)| (o.url_safe_org_name.clone(), i))
            .collect();
        let memberships = GENERATED_SIZES
            .iter()
            .map(|&n| {
                let user = user_id(n);
                // Roles go by the orgs' order by name (as authdash lists
                // them), so the first listed, the one made active, is owned.
                let mut by_name: Vec<usize> = (0..n).collect();
                by_name.sort_by(|&a, &b| orgs[a].org_name.cmp(&orgs[b].org_name));
                let mut rank_by_name = vec![0; n];
                for (rank, &i) in by_name.iter().enumerate() {
                    rank_by_name[i] = rank;
                }
                let list = orgs[..n]
                    .iter()
                    .zip(rank_by_name)
                    .map(|(o, rank)| Membership {
                        user: user.clone(),
                        org_id: o.org_id.clone(),
                        role: roles.order[role_rank(rank, roles)].clone(),
                    })
                    .collect();
                (user, list)
            })
            .collect();
        Generated {
            orgs,
            by_id,
            by_name,
            memberships,
        }
    }

    pub(super) fn org(&self, org_id: &str) -> Option<&Org> {
        self.by_id.get(org_id).map(|&i| &self.orgs[i])
    }

    pub(super) fn org_by_name(&self, url_safe_org_name: &str) -> Option<&Org> {
        self.by_name.get(url_safe_org_name).map(|&i| &self.orgs[i])
    }

    /// The memberships of a generated user, with their orgs, in order.
    pub(super) fn memberships_of(&self, user: &str) -> Vec<(&Org, &Membership)> {
        self.memberships
            .get(user)
            .map(|list| self.orgs.iter().zip(list).collect())
            .unwrap_or_default()
    }

    pub(super) fn membership(&self, user: &str, org_id: &str) -> Option<&Membership> {
        let i = *self.by_id.get(org_id)?;
        self.memberships.get(user)?.get(i)
    }
}

const PREFIXES: [&str; 50] = [
    "Northwind",
    "Blue Harbor",
    "Cedar",
    "Summit",
    "Ironwood",
    "Silver Lake",
    "Redstone",
    "Brightwater",
    "Falcon",
    "Granite",
    "Maple",
    "Oakridge",
    "Pinecrest",
    "Riverbend",
    "Stonegate",
    "Sunrise",
    "Tidewater",
    "Westfield",
    "Evergreen",
    "Highland",
    "Lakeside",
    "Meadowlark",
    "Northstar",
    "Pacific",
    "Quarry",
    "Rosewood",
    "Sapphire",
    "Timberline",
    "Union",
    "Valley",
    "Willow",
    "Aspen",
    "Beacon",
    "Coral",
    "Delta",
    "Elmstead",
    "Fairview",
    "Golden Gate",
    "Harbor Point",
    "Juniper",
    "Keystone",
    "Lighthouse",
    "Mosaic",
    "Nimbus",
    "Orchard",
    "Prairie",
    "Ridgeway",
    "Sterling",
    "Trinity",
    "Vanguard",
];

const TRADES: [&str; 20] = [
    "Analytics",
    "Logistics",
    "Health",
    "Robotics",
    "Foods",
    "Energy",
    "Media",
    "Capital",
    "Software",
    "Biotech",
    "Freight",
    "Textiles",
    "Studios",
    "Farms",
    "Pharma",
    "Systems",
    "Networks",
    "Materials",
    "Travel",
    "Security",
];

const FORMS: [&str; 10] = [
    "Inc",
    "Labs",
    "Group",
    "GmbH",
    "Ltd",
    "& Co",
    "Partners",
    "Holdings",
    "SA",
    "Collective",
];

const PLANS: [&str; 4] = ["free", "team", "business", "enterprise"];
const REGIONS: [&str; 5] = ["eu-west", "eu-central", "us-east", "us-west", "ap-south"];

/// Generated org `i` (0 ≤ i < 10,000): a name unique among the 10,000
/// (prefix × trade × form, mixed so that neighbours differ), its slug, a
/// UUID-shaped id and PropelAuth-style metadata as Acme has.
fn org(i: usize) -> Org {
    // i ↔ (a, b) is one-to-one, and so is (a, b) ↔ (prefix, trade, form)
    // below, for i < 50 × 20 × 10.
    let (a, b) = (i % PREFIXES.len(), i / PREFIXES.len());
    let trade = (b % TRADES.len() + a) % TRADES.len();
    let form = (b / TRADES.len() + a) % FORMS.len();
    let org_name = format!("{} {} {}", PREFIXES[a], TRADES[trade], FORMS[form]);
    let hash = mix(i as u64);
    let mut org_metadata = serde_json::Map::new();
    org_metadata.insert("plan".into(), PLANS[(hash % 4) as usize].into());
    org_metadata.insert("region".into(), REGIONS[((hash >> 8) % 5) as usize].into());
    org_metadata.insert("seats".into(), (5 + (hash >> 16) % 500).into());
    Org {
        org_id: uuid(i as u64),
        url_safe_org_name: slug(&org_name),
        org_name,
        org_metadata,
    }
}

/// "Harbor Point Foods & Co" → "harbor-point-foods-co".
fn slug(name: &str) -> String {
    name.split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|word| !word.is_empty())
        .map(str::to_ascii_lowercase)
        .collect::<Vec<_>>()
        .join("-")
}

/// A version-4-shaped UUID from `seed`, deterministic.
fn uuid(seed: u64) -> String {
    let (hi, lo) = (mix(seed), mix(seed ^ 0x9e37_79b9_7f4a_7c15));
    format!(
        "{:08x}-{:04x}-4{:03x}-{:04x}-{:012x}",
        hi >> 32,
        (hi >> 16) & 0xffff,
        hi & 0x0fff,
        0x8000 | (lo >> 48) & 0x3fff,
        lo & 0xffff_ffff_ffff
    )
}

/// SplitMix64's finaliser: a well-spread hash of a counter.
fn mix(seed: u64) -> u64 {
    let mut z = seed.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;

    fn roles() -> Roles {
        Roles {
            order: vec!["Owner".into(), "Admin".into(), "Member".into()],
            permissions: Default::default(),
        }
    }

    #[test]
    fn ten_thousand_distinct_orgs_with_url_safe_names() {
        let generated = Generated::build(&roles());
        assert_eq!(generated.orgs.len(), 10_000);
        let ids: HashSet<_> = generated.orgs.iter().map(|o| &o.org_id).collect();
        let names: HashSet<_> = generated.orgs.iter().map(|o| &o.org_name).collect();
        let slugs: HashSet<_> = generated
            .orgs
            .iter()
            .map(|o| &o.url_safe_org_name)
            .collect();
        assert_eq!(
            (ids.len(), names.len(), slugs.len()),
            (10_000, 10_000, 10_000)
        );
        for org in &generated.orgs {
            assert!(
                org.url_safe_org_name
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-'),
                "{}",
                org.url_safe_org_name
            );
            assert_eq!(org.org_id.len(), 36, "{}", org.org_id);
        }
        assert_eq!(generated.orgs[0].org_name, "Northwind Analytics Inc");
        for (user, n) in [("orgs10", 10), ("orgs1000", 1_000), ("orgs10000", 10_000)] {
            let mine = generated.memberships_of(user);
            assert_eq!(mine.len(), n);
            let first = mine
                .iter()
                .min_by(|a, b| a.0.org_name.cmp(&b.0.org_name))
                .map(|(_, m)| m.role.as_str());
            assert_eq!(
                first,
                Some("Owner"),
                "{user}: the first org by name is owned"
            );
        }
        // The same on every run: benchmark runs compare.
        assert_eq!(generated.orgs[7].org_id, org(7).org_id);
    }

    #[test]
    fn roles_and_summary() {
        let roles = roles();
        assert_eq!(
            summary(10, &roles),
            "Owner of 1, Admin of 3, Member of 6 generated organizations"
        );
        assert_eq!(role_rank(0, &roles), 0);
        assert_eq!(role_rank(12, &roles), 1);
        assert_eq!(role_rank(19, &roles), 2);
        assert_eq!(org_count("orgs1000"), Some(1_000));
        for other in ["orgs", "orgs7", "orgs01000", "alice", "orgs1000x"] {
            assert_eq!(org_count(other), None, "{other}");
        }
    }
}
