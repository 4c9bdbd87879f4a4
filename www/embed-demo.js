// The demo host page's own script: drives the first embed through embed.js's API.
'use strict';
const race = document.getElementById('race').interleave;
const said = document.getElementById('demo-said');
const show = (text) => { said.textContent = text; };

race.on('result', (result) => show(`result: ${result.headline}`));
race.on('error', (error) => show(`refused (${error.code}): ${error.message}`));
document.getElementById('demo-lock').addEventListener('click', () => race.setKnobs({ lock: 'each' }));
document.getElementById('demo-nolock').addEventListener('click', () => race.setKnobs({ lock: 'none' }));
document.getElementById('demo-run').addEventListener('click', async () => {
  show('running…');
  try {
    const result = await race.run();
    show(`lost ${result.figures.lost ?? 0} updates (${result.outcome}, ${result.timeMs.toFixed(1)} ms of Python time)`);
  } catch (error) {
    show(`not run: ${error.message}`);
  }
});
document.getElementById('demo-dark').addEventListener('click', () => race.setTheme('dark'));
document.getElementById('demo-ko').addEventListener('click', () => race.setLang('ko'));
