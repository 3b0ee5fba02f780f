use podium_core::{Built, DistributionFile, Meta};

use super::*;

const ACCOUNT: Address = Address::repeat_byte(0xAA);
const DISTRIBUTOR: Address = Address::repeat_byte(0xD1);

fn target() -> Target {
    Target {
        chain_id: 31_337,
        distributor: DISTRIBUTOR,
        account: ACCOUNT,
    }
}

/// A round paying ACCOUNT `amount` among a few others, as a parsed file.
fn file(round: u64, amount: u64, chain_id: u64, distributor: Address) -> Loaded {
    file_naming(round, amount, Some(chain_id), Some(distributor))
}

/// Like [`file`], with the chain id and distributor fields as given (`None` writes `null`).
fn file_naming(
    round: u64,
    amount: u64,
    chain_id: Option<u64>,
    distributor: Option<Address>,
) -> Loaded {
    let mut accounts = [
        Address::repeat_byte(0x11),
        ACCOUNT,
        Address::repeat_byte(0x22),
        Address::repeat_byte(0xBB),
    ];
    accounts.sort();
    let leaves: Vec<Leaf> = accounts
        .iter()
        .enumerate()
        .map(|(i, &account)| Leaf {
            round,
            index: i as u64,
            account,
            amount: U256::from(if account == ACCOUNT { amount } else { 7 }),
        })
        .collect();
    let total = leaves.iter().map(|l| l.amount).sum();
    let meta = Meta {
        chain_id,
        distributor,
        round,
        total,
        budget: U256::from(1_000_000u64),
        decimals: 18,
        rules_digest: B256::ZERO,
        inputs_digest: B256::ZERO,
    };
    let built = Built::from_leaves(leaves, meta).unwrap();
    let mut bytes = Vec::new();
    built.write_json(&mut bytes).unwrap();
    let source = format!("round-{round}.json");
    Loaded {
        file: DistributionFile::from_slice(&bytes, std::path::Path::new(&source)).unwrap(),
        source,
    }
}

fn good(round: u64) -> Loaded {
    file(round, 100 * round, 31_337, DISTRIBUTOR)
}

fn valid(root: B256) -> ChainRound {
    ChainRound {
        root,
        status: ChainStatus::Valid,
        valid_at: 900,
        ends_at: 500,
        revocations: 0,
        uri: String::new(),
    }
}

fn view(files: &[Loaded]) -> ChainView {
    ChainView {
        now: 1_000,
        claim_deadline: 10_000,
        round_count: 10,
        rounds: files
            .iter()
            .map(|f| (f.file.round, valid(f.file.root)))
            .collect(),
        claimed: BTreeSet::new(),
    }
}

fn only(plans: &[RoundPlan]) -> &RoundPlan {
    assert_eq!(plans.len(), 1, "{plans:?}");
    &plans[0]
}

#[test]
fn a_valid_unclaimed_round_is_claimable() {
    let files = vec![good(2), good(1)];
    let plans = plan(&files, &target(), &view(&files));
    assert_eq!(plans.iter().map(|p| p.round).collect::<Vec<_>>(), [1, 2]);
    assert!(
        plans.iter().all(|p| p.status == Status::Claimable),
        "{plans:?}"
    );
    assert_eq!(plans[1].amount(), U256::from(200));
    assert_eq!(claimable(&plans).len(), 2);
}

#[test]
fn refuses_files_for_another_chain_or_distributor() {
    let files = vec![file(1, 100, 42_161, DISTRIBUTOR)];
    let p = plan(&files, &target(), &view(&files));
    assert_eq!(only(&p).status, Status::Refused);
    assert_eq!(
        only(&p).reason,
        "the file is for chain 42161, but the node is on chain 31337"
    );

    let other = Address::repeat_byte(0xD2);
    let files = vec![file(1, 100, 31_337, other)];
    let p = plan(&files, &target(), &view(&files));
    assert_eq!(only(&p).status, Status::Refused);
    assert!(
        only(&p)
            .reason
            .starts_with(&format!("the file is for distributor {other}"))
    );
}

#[test]
fn refuses_files_that_do_not_name_their_chain_or_distributor() {
    let unnamed = [
        (
            file_naming(1, 100, None, Some(DISTRIBUTOR)),
            "does not name its chain",
        ),
        (
            file_naming(1, 100, Some(31_337), None),
            "does not name its distributor",
        ),
    ];
    for (loaded, needle) in unnamed {
        let files = vec![loaded];
        let p = plan(&files, &target(), &view(&files));
        assert_eq!(only(&p).status, Status::Refused, "{needle}");
        assert!(only(&p).reason.contains(needle), "{}", only(&p).reason);
    }
}

#[test]
fn refuses_an_altered_amount_or_proof() {
    let mut files = vec![good(1)];
    let v = view(&files);
    let claim = files[0]
        .file
        .claims
        .0
        .iter_mut()
        .find(|(a, _)| *a == ACCOUNT)
        .unwrap();
    claim.1.amount.0 += U256::from(1);
    let p = plan(&files, &target(), &v);
    assert_eq!(only(&p).status, Status::Refused);
    assert!(
        only(&p).reason.contains("was altered"),
        "{}",
        only(&p).reason
    );

    let mut files = vec![good(1)];
    let claim = files[0]
        .file
        .claims
        .0
        .iter_mut()
        .find(|(a, _)| *a == ACCOUNT)
        .unwrap();
    claim.1.proof[0] = B256::repeat_byte(0x42);
    let p = plan(&files, &target(), &v);
    assert_eq!(only(&p).status, Status::Refused);
}

#[test]
fn refuses_a_root_the_chain_does_not_have() {
    let files = vec![good(1)];
    let mut v = view(&files);
    v.rounds.get_mut(&1).unwrap().root = B256::repeat_byte(9);
    v.rounds.get_mut(&1).unwrap().uri = "https://example.org/r1.json".into();
    let p = plan(&files, &target(), &v);
    assert_eq!(only(&p).status, Status::Refused);
    assert!(
        only(&p).reason.contains("is not the root on chain")
            && only(&p)
                .reason
                .ends_with("published it at https://example.org/r1.json"),
        "{}",
        only(&p).reason
    );
    // Pending roots are compared too.
    v.rounds.get_mut(&1).unwrap().status = ChainStatus::Pending;
    assert_eq!(only(&plan(&files, &target(), &v)).status, Status::Refused);
}

#[test]
fn names_every_state_of_a_round() {
    let files = vec![good(1)];
    let cases = [
        (ChainStatus::Open, 0, Status::NotEnded, "the round ends at"),
        (
            ChainStatus::Ended,
            0,
            Status::NotPosted,
            "no root is posted yet",
        ),
        (
            ChainStatus::Ended,
            1,
            Status::Revoked,
            "the root was revoked (1 time(s))",
        ),
        (ChainStatus::Closed, 0, Status::Closed, "posting closed"),
        (ChainStatus::Pending, 0, Status::Pending, "claimable from"),
    ];
    for (chain_status, revocations, status, reason) in cases {
        let mut v = view(&files);
        let r = v.rounds.get_mut(&1).unwrap();
        r.status = chain_status;
        r.revocations = revocations;
        r.ends_at = 2_000;
        r.valid_at = 4_600;
        if !matches!(chain_status, ChainStatus::Pending) {
            r.root = B256::ZERO;
        }
        let p = plan(&files, &target(), &v);
        assert_eq!(only(&p).status, status, "{chain_status:?}");
        assert!(only(&p).reason.starts_with(reason), "{}", only(&p).reason);
    }
    let mut v = view(&files);
    v.rounds.get_mut(&1).unwrap().status = ChainStatus::Pending;
    v.rounds.get_mut(&1).unwrap().valid_at = 4_600;
    assert_eq!(
        only(&plan(&files, &target(), &v)).reason,
        "claimable from 1970-01-01 01:16:40 UTC (in 1h)"
    );
}

#[test]
fn claimed_leaves_and_closed_claims_are_not_claimable() {
    let files = vec![good(1)];
    let index = files[0].file.claim(&ACCOUNT).unwrap().index;
    let mut v = view(&files);
    v.claimed.insert((1, index));
    assert_eq!(
        only(&plan(&files, &target(), &v)).status,
        Status::AlreadyClaimed
    );
    // Another leaf of the round being claimed changes nothing for ours.
    let mut v = view(&files);
    v.claimed.insert((1, index + 1));
    assert_eq!(only(&plan(&files, &target(), &v)).status, Status::Claimable);
    let mut v = view(&files);
    v.now = v.claim_deadline;
    assert_eq!(only(&plan(&files, &target(), &v)).status, Status::Closed);
}

#[test]
fn an_account_not_in_the_file_is_not_paid() {
    let files = vec![good(1)];
    let mut t = target();
    t.account = Address::repeat_byte(0x33);
    let p = plan(&files, &t, &view(&files));
    assert_eq!(only(&p).status, Status::NotPaid);
    assert!(only(&p).leaf.is_none());
    let (rounds, leaves) = wanted(&files, t.account);
    assert_eq!(rounds.into_iter().collect::<Vec<_>>(), [1]);
    assert!(leaves.is_empty());
}

#[test]
fn the_same_file_twice_counts_once_and_rounds_must_exist() {
    let files = vec![good(1), good(1)];
    assert_eq!(plan(&files, &target(), &view(&files)).len(), 1);
    let files = vec![good(11)];
    let p = plan(&files, &target(), &view(&files));
    assert_eq!(only(&p).status, Status::Refused);
    assert_eq!(
        only(&p).reason,
        "the distributor has rounds 1 to 10, not round 11"
    );
}
