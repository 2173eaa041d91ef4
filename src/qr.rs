//! QR codes as text: half blocks, two modules per character cell, with the
//! quiet zone. A drawn block is a dark module, so show the rows dark on
//! light (scanners want that, whatever the terminal's theme).

use qrcode::QrCode;

/// The rows, or `None` when the text does not fit in a QR code.
pub(crate) fn rows(text: &str) -> Option<Vec<String>> {
    let code = QrCode::new(text.as_bytes()).ok()?;
    let width = code.width();
    let quiet = 2;
    let size = width + 2 * quiet;
    let dark = |x: usize, y: usize| -> bool {
        if x < quiet || y < quiet || x >= width + quiet || y >= width + quiet {
            return false;
        }
        code[(x - quiet, y - quiet)] == qrcode::Color::Dark
    };
    Some(
        (0..size)
            .step_by(2)
            .map(|y| {
                (0..size)
                    .map(|x| match (dark(x, y), y + 1 < size && dark(x, y + 1)) {
                        (true, true) => '█',
                        (true, false) => '▀',
                        (false, true) => '▄',
                        (false, false) => ' ',
                    })
                    .collect()
            })
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_url_becomes_a_square_of_half_blocks_with_a_quiet_zone() {
        let rows = super::rows("http://127.0.0.1:8080/device?user_code=BCDF-GHJK").unwrap();
        let width = rows[0].chars().count();
        // Two modules per row: height is about half the width.
        assert_eq!(rows.len(), width.div_ceil(2));
        assert!(rows[0].chars().all(|c| c == ' '), "quiet zone on top");
        assert!(
            rows.iter()
                .all(|r| r.starts_with("  ") && r.chars().count() == width)
        );
        // The top-left finder pattern: a dark row of seven over a row that
        // is dark only at its ends.
        let finder: String = rows[1].chars().skip(2).take(7).collect();
        assert_eq!(finder, "█▀▀▀▀▀█", "{}", rows[1]);
    }
}
