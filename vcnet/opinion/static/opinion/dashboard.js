// The opinion dashboard's charts, drawn with Chart.js (vendor/chart.umd.min.js, loaded before
// this module) from the JSON the page embeds in #opinion-data. Without JavaScript the same
// numbers are in the tables beside each chart; with it, the tables fold away under "The numbers".
// Clicking a bar or a slice opens the public items behind it.

const source = document.getElementById("opinion-data");
const Chart = window.Chart;

function css(name, fallback) {
  const value = getComputedStyle(document.documentElement).getPropertyValue(name).trim();
  return value || fallback;
}

function withParam(url, key, value) {
  const target = new URL(url, window.location.href);
  target.searchParams.set(key, value);
  target.searchParams.delete("before_id");
  return target.pathname + target.search;
}

function reveal(canvas) {
  const box = canvas.closest(".op-canvas");
  if (box) box.hidden = false;
  const table = canvas.closest(".op-chart")?.querySelector("details[data-chart-table]");
  if (table) table.open = false;
}

function draw(data) {
  const keys = ["positive", "neutral", "negative"];
  const colours = {
    positive: css("--op-positive", "#17692f"),
    neutral: css("--op-neutral", "#6b7380"),
    negative: css("--op-negative", "#b3141c"),
  };
  const text = css("--c-muted", "#4a5361");
  const grid = css("--c-border", "#c9ced6");
  const reduced = window.matchMedia("(prefers-reduced-motion: reduce)").matches;
  Chart.defaults.color = text;
  Chart.defaults.borderColor = grid;
  Chart.defaults.font.family = css("--font", "system-ui, sans-serif");
  if (reduced) Chart.defaults.animation = false;
  const pointer = (event, elements) => {
    event.native.target.style.cursor = elements.length ? "pointer" : "default";
  };

  const series = document.getElementById("op-series");
  if (series && data.series.length) {
    reveal(series);
    new Chart(series, {
      type: "bar",
      data: {
        labels: data.series.map((p) => p.label),
        datasets: keys.map((key) => ({
          label: data.labels[key],
          data: data.series.map((p) => p[key]),
          backgroundColor: colours[key],
          stack: "sentiment",
        })),
      },
      options: {
        maintainAspectRatio: false,
        interaction: { mode: "index", intersect: false },
        scales: {
          x: { stacked: true, ticks: { autoSkip: true, maxRotation: 0 } },
          y: { stacked: true, beginAtZero: true, ticks: { precision: 0 } },
        },
        onHover: pointer,
        onClick: (event, elements) => {
          if (!elements.length) return;
          const { index, datasetIndex } = elements[0];
          window.location.assign(withParam(data.series[index].url, "sentiment", keys[datasetIndex]));
        },
      },
    });
  }

  const doughnut = document.getElementById("op-sentiment");
  if (doughnut && data.sentiment.some((s) => s.value > 0)) {
    reveal(doughnut);
    new Chart(doughnut, {
      type: "doughnut",
      data: {
        labels: data.sentiment.map((s) => s.label),
        datasets: [{
          data: data.sentiment.map((s) => s.value),
          backgroundColor: data.sentiment.map((s) => colours[s.key]),
          borderColor: css("--c-surface", "#ffffff"),
        }],
      },
      options: {
        maintainAspectRatio: false,
        plugins: { legend: { position: "bottom" } },
        onHover: pointer,
        onClick: (event, elements) => {
          if (!elements.length) return;
          const key = data.sentiment[elements[0].index].key;
          window.location.assign(withParam(data.itemsUrl, "sentiment", key));
        },
      },
    });
  }

  const provinces = document.getElementById("op-provinces");
  if (provinces && data.provinces.length) {
    reveal(provinces);
    provinces.parentElement.style.height = `${Math.max(8, data.provinces.length * 1.9 + 3)}rem`;
    new Chart(provinces, {
      type: "bar",
      data: {
        labels: data.provinces.map((p) => p.label),
        datasets: [{
          label: data.labels.mentions,
          data: data.provinces.map((p) => p.mentions),
          backgroundColor: css("--c-primary", "#a51d24"),
        }],
      },
      options: {
        indexAxis: "y",
        maintainAspectRatio: false,
        plugins: {
          legend: { display: false },
          tooltip: {
            callbacks: {
              afterLabel: (item) =>
                `${data.labels.negativeShare}: ${data.provinces[item.dataIndex].negativeShare}%`,
            },
          },
        },
        scales: { x: { beginAtZero: true, ticks: { precision: 0 } } },
        onHover: pointer,
        onClick: (event, elements) => {
          if (!elements.length) return;
          window.location.assign(data.provinces[elements[0].index].url);
        },
      },
    });
  }
}

if (source && Chart) {
  draw(JSON.parse(source.textContent));
}
