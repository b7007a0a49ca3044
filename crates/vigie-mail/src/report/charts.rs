//! Inline SVG bar charts for the HTML report, drawn with `plotters` (SVG backend: no fonts or
//! files needed, and labels are XML-escaped by the backend).

use plotters::prelude::*;

const BAR: RGBColor = RGBColor(0x1f, 0x4e, 0x79);

/// Draws a horizontal bar chart (one bar per label) and returns the SVG text. Long labels
/// (folder names, French kind names) read better horizontally.
pub fn horizontal_bars(caption: &str, data: &[(String, u64)]) -> String {
    let rows = data.len().max(1);
    // Caption, margins and the axis take about 90 px whatever the rows: with less room left
    // for one row, plotters drew bars of negative height (browsers reject them).
    let height = 110 + 32 * rows as u32;
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (760, height)).into_drawing_area();
        if draw_horizontal(&root, caption, data).is_err() {
            // Drawing into a String cannot fail for I/O reasons; if plotters refuses the data
            // the report simply has no chart rather than a broken one.
            return String::new();
        }
        let _ = root.present();
    }
    svg
}

fn draw_horizontal(
    root: &DrawingArea<SVGBackend<'_>, plotters::coord::Shift>,
    caption: &str,
    data: &[(String, u64)],
) -> Result<(), Box<dyn std::error::Error>> {
    root.fill(&WHITE)?;
    let max = data.iter().map(|(_, v)| *v).max().unwrap_or(0).max(1);
    let n = data.len().max(1) as u32;
    let mut chart = ChartBuilder::on(root)
        .caption(caption, ("sans-serif", 18))
        .margin(10)
        .x_label_area_size(40)
        .y_label_area_size(300)
        .build_cartesian_2d(0u64..max + max / 10 + 1, (0u32..n).into_segmented())?;
    // Row 0 is drawn at the bottom: reverse so the first item (the largest) reads first.
    let labels: Vec<String> = data.iter().rev().map(|(l, _)| shorten(l, 45)).collect();
    chart
        .configure_mesh()
        .disable_y_mesh()
        .y_labels(n as usize)
        .y_label_formatter(&|v| match v {
            SegmentValue::CenterOf(i) => labels.get(*i as usize).cloned().unwrap_or_default(),
            _ => String::new(),
        })
        .x_desc("messages")
        .label_style(("sans-serif", 13))
        .draw()?;
    chart.draw_series(data.iter().enumerate().map(|(i, (_, v))| {
        let i = i as u32;
        let mut bar = Rectangle::new(
            [
                (0, SegmentValue::Exact(i)),
                (*v, SegmentValue::Exact(i + 1)),
            ],
            BAR.filled(),
        );
        bar.set_margin(4, 4, 0, 0);
        bar
    }))?;
    Ok(())
}

/// Draws a vertical bar chart (years on the x axis) of message counts and returns the SVG text.
pub fn vertical_bars(caption: &str, data: &[(String, u64)]) -> String {
    vertical_bars_of(caption, "messages", data)
}

/// Draws a vertical bar chart with `unit` as the y axis' legend and returns the SVG text.
pub fn vertical_bars_of(caption: &str, unit: &str, data: &[(String, u64)]) -> String {
    let mut svg = String::new();
    {
        let width = (120 + 40 * data.len() as u32).clamp(360, 900);
        let root = SVGBackend::with_string(&mut svg, (width, 320)).into_drawing_area();
        if draw_vertical(&root, caption, unit, data).is_err() {
            return String::new();
        }
        let _ = root.present();
    }
    svg
}

fn draw_vertical(
    root: &DrawingArea<SVGBackend<'_>, plotters::coord::Shift>,
    caption: &str,
    unit: &str,
    data: &[(String, u64)],
) -> Result<(), Box<dyn std::error::Error>> {
    root.fill(&WHITE)?;
    let max = data.iter().map(|(_, v)| *v).max().unwrap_or(0).max(1);
    let n = data.len().max(1) as u32;
    let mut chart = ChartBuilder::on(root)
        .caption(caption, ("sans-serif", 18))
        .margin(10)
        .x_label_area_size(30)
        .y_label_area_size(50)
        .build_cartesian_2d((0u32..n).into_segmented(), 0u64..max + max / 10 + 1)?;
    let labels: Vec<String> = data.iter().map(|(l, _)| shorten(l, 8)).collect();
    chart
        .configure_mesh()
        .disable_x_mesh()
        .x_labels(n as usize)
        .x_label_formatter(&|v| match v {
            SegmentValue::CenterOf(i) => labels.get(*i as usize).cloned().unwrap_or_default(),
            _ => String::new(),
        })
        .y_desc(unit)
        .label_style(("sans-serif", 13))
        .draw()?;
    chart.draw_series(data.iter().enumerate().map(|(i, (_, v))| {
        let i = i as u32;
        let mut bar = Rectangle::new(
            [
                (SegmentValue::Exact(i), 0),
                (SegmentValue::Exact(i + 1), *v),
            ],
            BAR.filled(),
        );
        bar.set_margin(0, 0, 4, 4);
        bar
    }))?;
    Ok(())
}

fn shorten(label: &str, max: usize) -> String {
    if label.chars().count() <= max {
        label.to_owned()
    } else {
        let mut s: String = label.chars().take(max.saturating_sub(1)).collect();
        s.push('…');
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn charts_are_svg_and_escape_labels() {
        let svg = horizontal_bars(
            "Par dossier",
            &[
                ("<script>alert(1)</script>".into(), 3),
                ("INBOX".into(), 10),
            ],
        );
        assert!(svg.starts_with("<svg"), "{svg}");
        assert!(!svg.contains("<script>"));
        assert!(svg.contains("INBOX"));
        let svg = vertical_bars("Par année", &[("2019".into(), 2), ("2020".into(), 0)]);
        assert!(svg.contains("2019"));
        assert!(horizontal_bars("vide", &[]).starts_with("<svg"));
    }

    /// Every bar has room, from one row to many (a single folder drew a negative height).
    #[test]
    fn bars_never_have_a_negative_size() {
        for rows in 1..=15u64 {
            let data: Vec<(String, u64)> =
                (0..rows).map(|i| (format!("Dossier {i}"), i + 1)).collect();
            for svg in [
                horizontal_bars("Par dossier", &data),
                vertical_bars("Par année", &data),
                vertical_bars_of("Constats", "constats", &data),
            ] {
                assert!(
                    !svg.contains("height=\"-") && !svg.contains("width=\"-"),
                    "{rows} rows"
                );
                assert!(svg.contains("<rect"), "{rows} rows: bars drawn");
            }
        }
    }
}
