// The receipt page's one enhancement: a button that opens the print dialog (print, or save
// as PDF). Without scripts the button stays hidden and the browser's own Print still works.
for (const button of document.querySelectorAll("[data-print]")) {
  button.hidden = false;
  button.addEventListener("click", () => window.print());
}
