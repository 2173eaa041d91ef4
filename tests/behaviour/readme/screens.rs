//! README's screens are the snapshots of these tests, whole: a screen in
//! README follows a line `<!-- screen: NAME -->` naming the snapshot
//! (`tests/behaviour/tui/snapshots/NAME.snap`), and must equal it.

use std::path::Path;

/// The screen a snapshot holds, as a person reads it (no quotes, no
/// trailing blanks).
fn snapshot_screen(name: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/behaviour/tui/snapshots")
        .join(format!("{name}.snap"));
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("README names {}: {e}", path.display()));
    let body = text.splitn(3, "---\n").nth(2).unwrap_or_default();
    body.lines()
        .map(|l| {
            l.strip_prefix('"')
                .and_then(|l| l.strip_suffix('"'))
                .unwrap_or(l)
                .trim_end()
                .to_owned()
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn the_readme_screens_are_the_tests_snapshots() {
    let readme = include_str!("../../../README.md");
    let mut seen = 0;
    let mut rest = readme;
    while let Some(at) = rest.find("<!-- screen: ") {
        let after = &rest[at + "<!-- screen: ".len()..];
        let name = after.split(" -->").next().unwrap_or_default().trim();
        let block = after
            .split_once("```text\n")
            .and_then(|(_, b)| b.split_once("\n```"))
            .map(|(b, _)| b)
            .unwrap_or_default();
        let shown: String = block
            .lines()
            .map(str::trim_end)
            .collect::<Vec<_>>()
            .join("\n");
        assert_eq!(
            shown,
            snapshot_screen(name),
            "README's screen {name} differs from its snapshot: run /work/tools/readme_screens.py"
        );
        seen += 1;
        rest = after;
    }
    assert!(seen >= 3, "README shows {seen} screens from the tests");
}
