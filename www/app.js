// Shows that scripts are served with the right type and run.
document.addEventListener("DOMContentLoaded", () => {
  const status = document.getElementById("status");
  if (status) status.textContent = "Scripts run: app.js was served as text/javascript.";
});
