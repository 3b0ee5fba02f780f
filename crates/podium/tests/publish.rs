//! `podium publish` through the real binary: a rounds directory made with the real `podium build` from
//! the demo's weeks (one round a `podium snapshot`-style directory with raw records, one plain, one
//! not built yet) becomes a site whose index lists every file with its keccak256 and size; the same
//! inputs give the same bytes; a changed input changes its digests; a file that does not verify, a
//! changed snapshot or a foreign --out stops the run with nothing written. And `podium post --uri`
//! against a real anvil and a real local HTTP server serving the published site: it accepts only
//! https://, http:// and ipfs:// locations, and posts an http(s) one only when it serves the very
//! file (unless --skip-uri-check).

mod support;

use std::{
    collections::BTreeMap,
    fs,
    path::{Path, PathBuf},
};

use alloy_primitives::{B256, U256, keccak256};
use assert_cmd::Command;
use podium_chain::block_on;
use podium_core::scores::snapshot::{SNAPSHOT_FORMAT, Snapshot, SnapshotRequest};
use serde_json::Value;
use support::{
    http::{Reply, Server},
    world::{DAY, FUNDER_KEY_VAR, World, s},
};

const DISTRIBUTOR: &str = "0x1234567890AbcdEF1234567890aBcdef12345678";

fn podium() -> Command {
    let mut cmd = Command::cargo_bin("podium").unwrap();
    cmd.env_remove("PODIUM_DEPLOYMENT")
        .env_remove("ETH_RPC_URL");
    cmd
}

/// A file under the repository's `demo/`.
fn demo(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../demo")
        .join(path)
}

/// Writes `rounds/round-N/{rules.toml,scores/}` for the demo's weeks 1..=`rounds` and builds the
/// ones in `built` into `rounds/round-N.json` for `chain_id` and `distributor`. Round 1's scores are
/// a snapshot directory (snapshot.json, the aggregated answer, a raw record under raw/).
fn rounds_dir(dir: &Path, rounds: u64, built: &[u64], chain_id: u64, distributor: &str) -> PathBuf {
    let root = dir.join("rounds");
    for n in 1..=rounds {
        let round = root.join(format!("round-{n}"));
        let scores = round.join("scores");
        fs::create_dir_all(&scores).unwrap();
        fs::copy(
            demo(&format!("rules/round{n}.toml")),
            round.join("rules.toml"),
        )
        .unwrap();
        let week = fs::read(demo(&format!("scores/week{n}.json"))).unwrap();
        if n == 1 {
            let raw = br#"{"FRA":[],"MDW":null}"#.to_vec();
            fs::create_dir_all(scores.join("raw")).unwrap();
            fs::write(scores.join("aggregated.json"), &week).unwrap();
            fs::write(scores.join("raw/0xabc.json"), &raw).unwrap();
            let request = |endpoint: &str, body: &[u8], file: &str, score_input| SnapshotRequest {
                endpoint: endpoint.into(),
                query: vec![("since".into(), "1".into()), ("until".into(), "2".into())],
                url: format!("http://leaderboard.test/api/{endpoint}?since=1&until=2"),
                status: 200,
                attempts: 1,
                fetched_at: 3,
                fetched_at_utc: "1970-01-01 00:00:03 UTC".into(),
                bytes: body.len() as u64,
                keccak256: keccak256(body),
                file: Some(file.into()),
                score_input,
            };
            let record = Snapshot {
                format: SNAPSHOT_FORMAT.into(),
                round: 1,
                base_url: "http://leaderboard.test".into(),
                since: 1,
                until: 2,
                window: "test".into(),
                tool: "podium test".into(),
                requests: vec![
                    request("aggregated_stats", &week, "aggregated.json", true),
                    request("raw_stats", &raw, "raw/0xabc.json", false),
                ],
            };
            fs::write(scores.join("snapshot.json"), record.to_json()).unwrap();
        } else {
            fs::write(scores.join(format!("week{n}.json")), &week).unwrap();
        }
        if built.contains(&n) {
            build(&root, n, chain_id, distributor);
        }
    }
    root
}

/// `podium build` of round `n` in `rounds` into `rounds/round-N.json` (replacing it).
fn build(rounds: &Path, n: u64, chain_id: u64, distributor: &str) {
    let round = rounds.join(format!("round-{n}"));
    podium()
        .args(["build", "--round", &n.to_string(), "--rules"])
        .arg(round.join("rules.toml"))
        .arg("--scores")
        .arg(round.join("scores"))
        .args([
            "--chain-id",
            &chain_id.to_string(),
            "--distributor",
            distributor,
        ])
        .arg("--out")
        .arg(rounds.join(format!("round-{n}.json")))
        .args(["--force", "--json"])
        .assert()
        .success();
}

/// A deployment record as `podium deploy` writes it, for the demo's program on chain 42161.
fn deployment(dir: &Path) -> PathBuf {
    let path = dir.join("program.deployment.json");
    let record = serde_json::json!({
        "format": "podium-deployment-v1",
        "chainId": 42161,
        "distributor": DISTRIBUTOR,
        "block": 7,
        "transaction": B256::repeat_byte(0xab),
        "deployer": "0x2222222222222222222222222222222222222222",
        "token": "0x289ba1701C2F088cf0faf8B3705246331cB8A839",
        "decimals": 18,
        "funder": "0x1111111111111111111111111111111111111111",
        "committee": "0x2222222222222222222222222222222222222222",
        "start": 1_796_601_600u64,
        "roundDuration": 604_800,
        "roundCount": 3,
        "roundBudget": "7000000000000000000000",
        "rootDelay": 172_800,
        "claimWindow": 7_776_000,
    });
    fs::write(&path, serde_json::to_string_pretty(&record).unwrap() + "\n").unwrap();
    path
}

/// Runs `podium publish` with `extra` arguments; returns (exit code, stdout, stderr).
fn publish(deployment: &Path, rounds: &Path, out: &Path, extra: &[&str]) -> (i32, String, String) {
    let o = podium()
        .arg("publish")
        .arg("--deployment")
        .arg(deployment)
        .arg("--rounds")
        .arg(rounds)
        .arg("--out")
        .arg(out)
        .args(extra)
        .output()
        .unwrap();
    (
        o.status.code().unwrap(),
        String::from_utf8(o.stdout).unwrap(),
        String::from_utf8(o.stderr).unwrap(),
    )
}

fn publish_json(deployment: &Path, rounds: &Path, out: &Path, extra: &[&str]) -> Value {
    let mut args = vec!["--json"];
    args.extend_from_slice(extra);
    let (code, stdout, stderr) = publish(deployment, rounds, out, &args);
    assert_eq!(code, 0, "podium publish failed:\n{stderr}");
    serde_json::from_str(&stdout).unwrap()
}

/// Every file under `dir` (relative path with `/` → bytes).
fn tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<String, Vec<u8>>) {
        for entry in fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(root, &path, out);
            } else {
                let rel = path.strip_prefix(root).unwrap().to_str().unwrap();
                out.insert(rel.replace('\\', "/"), fs::read(&path).unwrap());
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(dir, dir, &mut out);
    out
}

/// The names in `dir` (hidden ones too), to see that nothing was left behind.
fn names(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

/// The index's (path → (keccak256, bytes)) of every file it lists.
fn listed(index: &Value) -> BTreeMap<String, (String, u64)> {
    let mut out = BTreeMap::new();
    let rounds = index["rounds"].as_array().unwrap();
    let all = index["files"]
        .as_array()
        .unwrap()
        .iter()
        .chain(rounds.iter().flat_map(|r| r["files"].as_array().unwrap()));
    for f in all {
        out.insert(
            f["path"].as_str().unwrap().to_owned(),
            (
                f["keccak256"].as_str().unwrap().to_owned(),
                f["bytes"].as_u64().unwrap(),
            ),
        );
    }
    out
}

#[test]
fn publishes_every_built_round_with_an_index_and_the_same_bytes_every_time() {
    let dir = tempfile::tempdir().unwrap();
    let rounds = rounds_dir(dir.path(), 3, &[1, 2], 42161, DISTRIBUTOR);
    let record = deployment(dir.path());
    let page = dir.path().join("report.html");
    fs::write(&page, "<!doctype html><title>report</title>\n").unwrap();
    let site = dir.path().join("public/site");

    let (code, stdout, stderr) = publish(&record, &rounds, &site, &["--report", s(&page)]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("published 2 rounds"), "{stdout}");
    assert!(
        stdout.contains("round 3: not built yet (no distribution file), not published"),
        "{stdout}"
    );
    let files = tree(&site);
    let index_bytes = &files["index.json"];
    assert!(
        stdout.contains(&format!("index.json keccak256 {}", keccak256(index_bytes))),
        "{stdout}"
    );

    // The layout, the copies byte for byte, and nothing else.
    let expected = [
        ("deployment.json", record.clone()),
        ("report.html", page.clone()),
        ("round-1.json", rounds.join("round-1.json")),
        ("round-1/rules.toml", rounds.join("round-1/rules.toml")),
        (
            "round-1/scores/aggregated.json",
            rounds.join("round-1/scores/aggregated.json"),
        ),
        (
            "round-1/scores/raw/0xabc.json",
            rounds.join("round-1/scores/raw/0xabc.json"),
        ),
        (
            "round-1/scores/snapshot.json",
            rounds.join("round-1/scores/snapshot.json"),
        ),
        ("round-2.json", rounds.join("round-2.json")),
        ("round-2/rules.toml", rounds.join("round-2/rules.toml")),
        (
            "round-2/scores/week2.json",
            rounds.join("round-2/scores/week2.json"),
        ),
    ];
    let mut paths: Vec<&str> = expected.iter().map(|(p, _)| *p).collect();
    paths.push("index.json");
    paths.sort_unstable();
    assert_eq!(files.keys().map(String::as_str).collect::<Vec<_>>(), paths);
    for (p, source) in &expected {
        assert_eq!(files[*p], fs::read(source).unwrap(), "{p}");
    }

    // The index: the deployment's facts, each round's root and total from its file, and every other
    // file with its keccak256 and size.
    let index: Value = serde_json::from_slice(index_bytes).unwrap();
    assert_eq!(index["format"], "podium-site-v1");
    assert_eq!(index["chainId"], 42161);
    assert_eq!(index["distributor"], DISTRIBUTOR);
    assert_eq!(index["program"]["roundCount"], 3);
    assert_eq!(index["program"]["roundBudget"], "7000000000000000000000");
    assert_eq!(index["program"]["deploymentBlock"], 7);
    let listed = listed(&index);
    assert_eq!(listed.len(), files.len() - 1);
    for (p, bytes) in &files {
        if p == "index.json" {
            continue;
        }
        assert_eq!(
            listed[p],
            (keccak256(bytes).to_string(), bytes.len() as u64),
            "{p}"
        );
    }
    let rs = index["rounds"].as_array().unwrap();
    assert_eq!(rs.len(), 2);
    for (r, n) in rs.iter().zip([1u64, 2]) {
        let file: Value = serde_json::from_slice(&files[&format!("round-{n}.json")]).unwrap();
        assert_eq!(r["round"], n);
        assert_eq!(r["distribution"], format!("round-{n}.json"));
        assert_eq!(r["root"], file["root"]);
        assert_eq!(r["total"], file["total"]);
    }

    // Reproducible: again into another folder gives the same bytes, every file.
    let again = dir.path().join("again");
    let v = publish_json(&record, &rounds, &again, &["--report", s(&page)]);
    assert_eq!(tree(&again), files);
    assert_eq!(v["replaced"], false);
    assert_eq!(v["notBuilt"], serde_json::json!([3]));
    assert_eq!(v["indexKeccak256"], keccak256(index_bytes).to_string());
    assert_eq!(v["index"], index);

    // Into the same folder: the old site is replaced as a whole (a stray file goes), same bytes, and
    // nothing is left beside it.
    fs::write(site.join("stale.json"), "{}").unwrap();
    let v = publish_json(&record, &rounds, &site, &["--report", s(&page)]);
    assert_eq!(v["replaced"], true);
    assert_eq!(tree(&site), files);
    assert_eq!(names(&dir.path().join("public")), ["site"]);

    // The published folder is a rounds directory: podium verify accepts a round from it.
    podium()
        .args(["verify", "--distribution"])
        .arg(site.join("round-1.json"))
        .arg("--rules")
        .arg(site.join("round-1/rules.toml"))
        .arg("--scores")
        .arg(site.join("round-1/scores"))
        .arg("--deployment")
        .arg(site.join("deployment.json"))
        .assert()
        .success();
}

#[test]
fn a_changed_input_changes_its_digests_and_only_its_own() {
    let dir = tempfile::tempdir().unwrap();
    let rounds = rounds_dir(dir.path(), 2, &[1, 2], 42161, DISTRIBUTOR);
    let record = deployment(dir.path());
    let before = publish_json(&record, &rounds, &dir.path().join("a"), &[]);

    // The committee rebuilds round 2 from one changed score: a different distribution file.
    let scores = rounds.join("round-2/scores/week2.json");
    let mut v: Value = serde_json::from_slice(&fs::read(&scores).unwrap()).unwrap();
    let first = v.as_object_mut().unwrap().values_mut().next().unwrap();
    let region = first.as_object_mut().unwrap().values_mut().next().unwrap();
    region["score"] = serde_json::json!(0.99);
    region["success_rate"] = serde_json::json!(1);
    fs::write(&scores, serde_json::to_string(&v).unwrap()).unwrap();
    build(&rounds, 2, 42161, DISTRIBUTOR);
    let after = publish_json(&record, &rounds, &dir.path().join("b"), &[]);

    let (b, a) = (listed(&before["index"]), listed(&after["index"]));
    for p in ["round-2.json", "round-2/scores/week2.json"] {
        assert_ne!(b[p], a[p], "{p}");
    }
    for p in [
        "deployment.json",
        "round-1.json",
        "round-1/scores/aggregated.json",
        "round-2/rules.toml",
    ] {
        assert_eq!(b[p], a[p], "{p}");
    }
    assert_ne!(
        before["index"]["rounds"][1]["root"],
        after["index"]["rounds"][1]["root"]
    );
    assert_ne!(before["indexKeccak256"], after["indexKeccak256"]);
}

#[test]
fn refuses_what_does_not_verify_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let record = deployment(dir.path());
    let out = dir.path().join("out/site");
    let refused = |rounds: &Path, out: &Path, parts: &[&str]| {
        let (code, _, stderr) = publish(&record, rounds, out, &[]);
        assert_eq!(code, 2, "{stderr}");
        for p in parts {
            assert!(stderr.contains(p), "expected {p:?} in:\n{stderr}");
        }
    };

    // A round built for another distributor: named, with the difference; no site, nothing beside.
    let other = dir.path().join("other");
    let rounds = rounds_dir(&other, 2, &[1], 42161, DISTRIBUTOR);
    build(
        &rounds,
        2,
        42161,
        "0x9999999999999999999999999999999999999999",
    );
    let round2 = rounds.join("round-2.json");
    refused(
        &rounds,
        &out,
        &[s(&round2), "does not verify", "distributor"],
    );
    assert!(!out.exists());
    assert!(
        !dir.path().join("out").exists() || names(&dir.path().join("out")).is_empty(),
        "left behind: {:?}",
        names(&dir.path().join("out"))
    );

    // An existing site stays as it was when a run fails: a hand-edited amount breaks the tree.
    let good = rounds_dir(&dir.path().join("good"), 2, &[1, 2], 42161, DISTRIBUTOR);
    publish_json(&record, &good, &out, &[]);
    let site = tree(&out);
    let round1 = good.join("round-1.json");
    let mut v: Value = serde_json::from_slice(&fs::read(&round1).unwrap()).unwrap();
    let claims = v["claims"].as_object_mut().unwrap();
    let first = claims.values_mut().next().unwrap();
    let amount: u128 = first["amount"].as_str().unwrap().parse().unwrap();
    first["amount"] = (amount + 1).to_string().into();
    fs::write(&round1, serde_json::to_string_pretty(&v).unwrap()).unwrap();
    refused(&good, &out, &[s(&round1), "does not verify"]);
    assert_eq!(tree(&out), site);
    assert_eq!(names(&dir.path().join("out")), ["site"]);
    build(&good, 1, 42161, DISTRIBUTOR);

    // A raw record changed after the snapshot: refused, naming it.
    let raw = good.join("round-1/scores/raw/0xabc.json");
    fs::write(&raw, "{}").unwrap();
    refused(&good, &out, &[s(&raw), "is not the file"]);
    assert_eq!(tree(&out), site);
    fs::write(&raw, br#"{"FRA":[],"MDW":null}"#).unwrap();

    // A round file that stands for another round.
    fs::copy(good.join("round-1.json"), good.join("round-2.json")).unwrap();
    refused(
        &good,
        &out,
        &["round-2.json", "distribution file of round 1"],
    );
    build(&good, 2, 42161, DISTRIBUTOR);

    // An --out that is not a site podium wrote is never replaced.
    let foreign = dir.path().join("documents");
    fs::create_dir(&foreign).unwrap();
    fs::write(foreign.join("notes.txt"), "mine").unwrap();
    refused(
        &good,
        &foreign,
        &["is not a site podium publish wrote", "documents"],
    );
    assert_eq!(names(&foreign), ["notes.txt"]);

    // Nothing built yet: nothing to publish.
    let fresh = rounds_dir(&dir.path().join("fresh"), 1, &[], 42161, DISTRIBUTOR);
    refused(&fresh, &dir.path().join("empty"), &["nothing to publish"]);
}

#[test]
fn post_takes_the_published_location_and_checks_it_serves_the_file() {
    let w = World::new();
    let url = w.node.url();
    let (record, distributor) = w.deploy();
    let rec = s(&record);
    w.ok(&[
        "fund",
        "--deployment",
        rec,
        "--rpc-url",
        &url,
        "--private-key-env",
        FUNDER_KEY_VAR,
    ]);
    let rounds = rounds_dir(
        w.dir.path(),
        1,
        &[1],
        w.node.chain_id(),
        &distributor.to_checksum(None),
    );
    let site = w.path("site");
    w.ok(&[
        "publish",
        "--deployment",
        rec,
        "--rounds",
        s(&rounds),
        "--out",
        s(&site),
    ]);
    let server = Server::start(vec![(None, Reply::Dir(site.clone()))]);
    w.warp(w.start + DAY + 1);

    let round1 = rounds.join("round-1.json");
    // `podium post` of round 1 to `uri` with `extra` arguments, from the committee's wallet or not.
    let post = |uri: &str, extra: &[&str], wallet: bool| -> Vec<String> {
        let mut args: Vec<String> = [
            "post",
            "--distribution",
            s(&round1),
            "--deployment",
            rec,
            "--rpc-url",
            &url,
            "--uri",
            uri,
            "--json",
        ]
        .iter()
        .chain(extra)
        .map(|a| (*a).to_owned())
        .collect();
        if wallet {
            args.extend(w.keystore_args());
        }
        args
    };
    let run_fails =
        |args: Vec<String>| w.fails(&args.iter().map(String::as_str).collect::<Vec<_>>());
    let run_ok =
        |args: Vec<String>| w.ok_json(&args.iter().map(String::as_str).collect::<Vec<_>>());
    let before = w.nonce(w.committee);

    // Only locations claimers can fetch.
    for bad in [
        "ftp://example.org/round-1.json",
        "round-1.json",
        "ipfs://round-1.json",
    ] {
        let err = run_fails(post(bad, &[], true));
        assert!(
            err.contains("https://…/round-N.json")
                && err.contains("http://…")
                && err.contains("ipfs://CID/…"),
            "{bad}: {err}"
        );
    }
    // Not online: the URL and the status, and how to go on.
    let missing = format!("{}/later/round-1.json", server.url);
    let err = run_fails(post(&missing, &[], true));
    assert!(
        err.contains(&missing) && err.contains("404") && err.contains("--skip-uri-check"),
        "{err}"
    );
    // Another file there: refused with both digests.
    let wrong = format!("{}/deployment.json", server.url);
    let err = run_fails(post(&wrong, &[], true));
    let ours = keccak256(fs::read(&round1).unwrap()).to_string();
    assert!(
        err.contains(&wrong) && err.contains("does not serve") && err.contains(&ours),
        "{err}"
    );
    assert_eq!(w.nonce(w.committee), before, "nothing may be sent");

    // --skip-uri-check: a location that goes online later (as calldata, nothing sent).
    let v = run_ok(post(&missing, &["--calldata", "--skip-uri-check"], false));
    assert_eq!(v["uri"], missing.as_str());
    assert_eq!(w.nonce(w.committee), before);

    // The published location: fetched, equal, posted, and on chain.
    let published = format!("{}/round-1.json", server.url);
    let v = run_ok(post(&published, &[], true));
    assert_eq!(v["mode"], "sent");
    assert!(server.seen().iter().any(|p| p == "/round-1.json"));
    let state = block_on(w.distributor(distributor).roundState(U256::from(1)).call()).unwrap();
    assert_eq!(state.uri, published);
    let file: Value = serde_json::from_slice(&fs::read(&round1).unwrap()).unwrap();
    assert_eq!(state.root.to_string(), file["root"].as_str().unwrap());
}
