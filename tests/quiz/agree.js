// Score a batch of answer sets with quiz.js: stdin {"quiz": data, "answer_sets": [...]} -> stdout [results].
// One node process per batch keeps the agreement tests fast. argv[2]: the script to load (the
// minified quiz.js the build ships); without it, the source in assets/js/.
"use strict";
const path = require("path");
const scorer = require(process.argv[2] || path.join(__dirname, "..", "..", "assets", "js", "quiz.js"));

let input = "";
process.stdin.setEncoding("utf8");
process.stdin.on("data", (chunk) => { input += chunk; });
process.stdin.on("end", () => {
  const { quiz, answer_sets: answerSets } = JSON.parse(input);
  process.stdout.write(JSON.stringify(answerSets.map((answers) => scorer.scoreAnswers(quiz, answers))));
});
