// policysim explore: how the charts are shown. The server draws each chart for the width
// the page shows it at (`chart_width`, crates/explore/src/chart_size.rs) with text of at
// least 10 CSS px there, so the whole chart is in view on a phone too. Any chart opens
// full screen (a dialog: its button below the chart, a tap on the chart, Escape or Close
// to leave, the focus back where it was).
// Loaded after map.js and before page.js (it uses their `state`, `w` and `drawDots`).
"use strict";

// the narrowest a chart is drawn for (chart_size.rs WIDTHS)
const CHART_MIN_WIDTH = 280;

// Picture pixels per CSS pixel of the server's charts (chart_size.rs DENSITY).
const CHART_DENSITY = 2;

// Full screen, a chart is shown at most this many times the width it was drawn for: its
// text stays about 12-20 CSS px (larger, a desktop's dialog would show it at 35 px).
const DIALOG_MAX_ENLARGE = 1.5;

// The width (CSS px) the page shows a chart at: a chart figure's content box, at least
// CHART_MIN_WIDTH.
function chartShownWidth() {
  const fig = document.getElementById("chart-adoption");
  const cs = getComputedStyle(fig);
  const width = fig.clientWidth - parseFloat(cs.paddingLeft) - parseFloat(cs.paddingRight);
  return Math.max(CHART_MIN_WIDTH, Math.floor(width || 0));
}

// Gives a figure its full-screen button (once), and makes a tap on its chart open it.
function addEnlarge(fig) {
  if (fig.querySelector(":scope > .enlarge")) return;
  const button = document.createElement("button");
  button.type = "button";
  button.className = "enlarge";
  button.addEventListener("click", () => openChart(fig, button));
  fig.append(button); // after the caption, on its row (page.css)
  for (const pic of fig.querySelectorAll(":scope > img, :scope > canvas")) {
    pic.addEventListener("click", () => openChart(fig, button));
  }
  labelEnlarge(fig);
}

// The button's words in the page's language (its name says which chart).
function labelEnlarge(fig) {
  const button = fig.querySelector(":scope > .enlarge");
  if (!button) return;
  button.textContent = w("enlarge");
  button.setAttribute("aria-label", w("enlarge_aria")(figureCaption(fig)));
}

function figureCaption(fig) {
  const cap = fig.querySelector("figcaption");
  return cap ? cap.innerText.trim() : ""; // as shown (the "current: " label only side by side)
}

// Opens `fig`'s chart in the full-screen dialog; `opener` gets the focus back on close.
function openChart(fig, opener) {
  const dialog = document.getElementById("chart-dialog");
  const body = document.getElementById("chart-dialog-body");
  body.textContent = "";
  document.getElementById("chart-dialog-title").textContent = figureCaption(fig);
  document.getElementById("chart-dialog-close").textContent = w("close");
  dialog.dataset.chart = fig.id || fig.dataset.chart || "";
  dialog.opener = opener;
  const img = fig.querySelector(":scope > img");
  const canvas = fig.querySelector(":scope > canvas");
  dialog.showModal();
  if (img) {
    const big = document.createElement("img");
    big.alt = img.alt;
    body.appendChild(big);
    const fit = () => sizeDialogChart(big);
    big.addEventListener("load", fit);
    big.src = img.src;
  } else if (canvas) {
    // a map is drawn again at the dialog's size (its text stays 13 CSS px)
    const big = document.createElement("canvas");
    big.setAttribute("role", "img");
    big.setAttribute("aria-label", canvas.getAttribute("aria-label") || "");
    body.appendChild(big);
    if (canvas.id === "map-canvas") drawDots(big, state.result, state.step, false);
    else if (fig.classList.contains("ref")) drawDots(big, state.referenceResult, Infinity, true);
    else drawDots(big, state.result, Infinity, true);
  }
  document.getElementById("chart-dialog-close").focus();
}

// Sizes the dialog's chart: as large as the screen allows, at most DIALOG_MAX_ENLARGE
// times the width it was drawn for.
function sizeDialogChart(img) {
  const body = document.getElementById("chart-dialog-body");
  const head = document.querySelector("#chart-dialog .dialog-head");
  const cs = getComputedStyle(body);
  const room = body.clientWidth - parseFloat(cs.paddingLeft) - parseFloat(cs.paddingRight);
  const tall = window.innerHeight - head.getBoundingClientRect().height
    - parseFloat(cs.paddingTop) - parseFloat(cs.paddingBottom) - 4;
  const nw = img.naturalWidth, nh = img.naturalHeight;
  if (!(nw > 0 && nh > 0)) return;
  const width = Math.min(room, tall * nw / nh, DIALOG_MAX_ENLARGE * nw / CHART_DENSITY);
  img.style.width = Math.max(1, Math.floor(width)) + "px";
  img.style.height = "auto";
}

function closeChart() {
  document.getElementById("chart-dialog").close();
}

// Wires the dialog and gives every chart figure its button.
function initChartView() {
  const dialog = document.getElementById("chart-dialog");
  document.getElementById("chart-dialog-close").addEventListener("click", closeChart);
  // Escape closes a modal dialog by itself; the focus goes back to what opened it
  dialog.addEventListener("close", () => {
    document.getElementById("chart-dialog-body").textContent = "";
    if (dialog.opener && dialog.opener.isConnected) dialog.opener.focus();
    dialog.opener = null;
  });
  // a tap outside the chart (on the backdrop) closes it too
  dialog.addEventListener("click", (e) => { if (e.target === dialog) closeChart(); });
  for (const fig of document.querySelectorAll("#charts > figure")) addEnlarge(fig);
  window.addEventListener("resize", () => {
    const big = document.querySelector("#chart-dialog-body img");
    if (big && dialog.open) sizeDialogChart(big);
  });
}
