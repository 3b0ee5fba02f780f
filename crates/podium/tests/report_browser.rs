//! The report page in a real browser: headless Chromium (Debian's `chromium`, installed by the test
//! command through `tools/chromium.sh`) loads the page from disk, the test reads back the DOM it
//! built and checks one chart per metric per round and every number against `--json`, then takes a
//! screenshot and checks that the charts' colours were actually painted.
//!
//! The files (page, JSON, DOM, screenshot) stay in `target/tmp/report-browser/` for a person to look
//! at; the path is printed. Without Chromium the test says so and skips, unless
//! `PODIUM_REQUIRE_BROWSER=1` (set by the test command once Chromium is installed) makes that a
//! failure.

mod report_support;

use std::{
    env, fs,
    path::{Path, PathBuf},
    process::{Command, Stdio},
    time::{Duration, Instant},
};

use report_support::{attr, demo_layout, elements, expected_numbers, report_json, same_number};

fn find_chromium() -> Option<PathBuf> {
    if let Some(p) = env::var_os("PODIUM_CHROMIUM") {
        return Some(p.into());
    }
    let path = env::var_os("PATH")?;
    ["chromium", "chromium-browser"].iter().find_map(|name| {
        env::split_paths(&path)
            .map(|dir| dir.join(name))
            .find(|p| p.is_file())
    })
}

/// Runs Chromium headless on `page` with `extra` flags, a fresh profile and nothing that phones
/// home; returns stdout. Killed after 120 s.
fn chromium(browser: &Path, page: &Path, extra: &[String]) -> String {
    let profile = tempfile::tempdir().unwrap();
    let mut child = Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--hide-scrollbars",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .args(extra)
        .arg(format!("file://{}", page.display()))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {}: {e}", browser.display()));
    let started = Instant::now();
    // Read stdout on a thread so a large DOM cannot fill the pipe and stall the browser.
    let mut stdout = child.stdout.take().unwrap();
    let reader = std::thread::spawn(move || {
        let mut s = String::new();
        std::io::Read::read_to_string(&mut stdout, &mut s).unwrap();
        s
    });
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            let out = reader.join().unwrap();
            let mut err = String::new();
            std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut err).unwrap();
            assert!(status.success(), "chromium failed ({status}): {err}");
            return out;
        }
        if started.elapsed() > Duration::from_secs(120) {
            let _ = child.kill();
            let _ = child.wait();
            panic!("chromium did not finish within 120 s");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Pixels in the image within a small distance of `rgb`.
fn pixels_near(img: &[u8], channels: usize, rgb: [u8; 3]) -> usize {
    img.chunks_exact(channels)
        .filter(|p| (0..3).all(|i| p[i].abs_diff(rgb[i]) <= 6))
        .count()
}

fn hex(c: &str) -> [u8; 3] {
    let v = u32::from_str_radix(c.trim_start_matches('#'), 16).unwrap();
    [(v >> 16) as u8, (v >> 8) as u8, v as u8]
}

#[test]
fn the_page_renders_its_charts_and_tables_in_chromium() {
    let Some(browser) = find_chromium() else {
        assert!(
            env::var("PODIUM_REQUIRE_BROWSER").as_deref() != Ok("1"),
            "PODIUM_REQUIRE_BROWSER=1 but no chromium on PATH (tools/chromium.sh installs it)"
        );
        eprintln!(
            "SKIPPED the report browser test: no chromium on PATH and PODIUM_CHROMIUM unset \
             (tools/chromium.sh installs Debian's chromium; the test command runs it)"
        );
        return;
    };
    let out = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("report-browser");
    let _ = fs::remove_dir_all(&out);
    fs::create_dir_all(&out).unwrap();
    eprintln!(
        "report browser test: page, DOM and screenshot in {}",
        out.display()
    );

    let (program, rounds) = demo_layout(&out.join("inputs"), 3);
    let page = out.join("report.html");
    let json = report_json(&program, &rounds, &["--html", page.to_str().unwrap()]);
    fs::write(
        out.join("report.json"),
        serde_json::to_string_pretty(&json).unwrap(),
    )
    .unwrap();

    let dom = chromium(&browser, &page, &["--dump-dom".into()]);
    fs::write(out.join("dom.html"), &dom).unwrap();
    assert!(
        dom.contains("<h1>Program report</h1>"),
        "Chromium did not load the page"
    );

    // One chart per metric per round, each with its bars.
    let charts = elements(&dom, "svg");
    for n in 1..=3 {
        for metric in ["threshold", "top5", "new", "lpt"] {
            let found: Vec<_> = charts
                .iter()
                .filter(|c| {
                    attr(c, "data-metric") == Some(metric)
                        && attr(c, "data-round") == Some(&n.to_string())
                })
                .collect();
            assert_eq!(found.len(), 1, "round {n}: one {metric} chart in the DOM");
            let label = attr(found[0], "aria-label").unwrap();
            assert!(label.starts_with(&format!("Round {n}: ")), "{label}");
        }
    }
    // Tables: the overview, and per round the regions, the top 5 and the sources, plus parameters.
    assert_eq!(dom.matches("<table>").count(), 1 + 3 * 3 + 1);

    // Every number in the JSON is in the DOM, in its table cell and on its bar, and they agree.
    let cells = elements(&dom, "td");
    let bars = elements(&dom, "rect");
    let mut checked = 0;
    for (key, value) in expected_numbers(&json) {
        let in_cells: Vec<&str> = cells
            .iter()
            .filter(|e| attr(e, "data-k") == Some(key.as_str()))
            .map(|e| attr(e, "data-value").unwrap())
            .collect();
        let on_bars: Vec<&str> = bars
            .iter()
            .filter(|e| attr(e, "data-k") == Some(key.as_str()))
            .map(|e| attr(e, "data-value").unwrap())
            .collect();
        assert!(!in_cells.is_empty(), "{key} has no table cell");
        for v in in_cells.iter().chain(&on_bars) {
            assert!(same_number(v, &value), "{key}: DOM {v}, JSON {value}");
        }
        checked += 1;
    }
    assert!(checked > 100, "only {checked} numbers checked");

    // The screenshot: the charts were painted (their bar colours cover real area), at the size
    // asked for.
    let shot = out.join("report.png");
    chromium(
        &browser,
        &page,
        &[
            format!("--screenshot={}", shot.display()),
            "--window-size=1280,4200".into(),
        ],
    );
    let decoder = png::Decoder::new(std::io::BufReader::new(fs::File::open(&shot).unwrap()));
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut buf).unwrap();
    assert_eq!((info.width, info.height), (1280, 4200));
    let channels = info.color_type.samples();
    let img = &buf[..info.buffer_size()];
    for (name, colour) in [
        ("blue", "#2f6db5"),
        ("orange", "#e08a1e"),
        ("green", "#2e8b57"),
    ] {
        let n = pixels_near(img, channels, hex(colour));
        assert!(
            n > 5_000,
            "only {n} {name} pixels: the bars were not painted"
        );
    }
    eprintln!("screenshot: {}", shot.display());
}
