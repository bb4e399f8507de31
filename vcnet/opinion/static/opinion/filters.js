// The filter bar: choosing a date switches the period to "Custom dates", and choosing a preset
// period empties the dates, so the form always sends what the person sees. Without JavaScript
// the help text under the form says the same.

for (const form of document.querySelectorAll("form.op-filters")) {
  const range = form.elements.namedItem("range");
  const dates = ["start", "end"].map((name) => form.elements.namedItem(name)).filter(Boolean);
  if (!range) continue;
  for (const input of dates) {
    input.addEventListener("change", () => {
      if (input.value) range.value = "";
    });
  }
  range.addEventListener("change", () => {
    if (range.value) for (const input of dates) input.value = "";
  });
}
