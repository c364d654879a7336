// Score a batch of answer sets with quiz.js: stdin {"quiz": data, "answer_sets": [...]} -> stdout [results].
// One node process per batch keeps the agreement tests fast.
"use strict";
const path = require("path");
const scorer = require(path.join(__dirname, "..", "..", "assets", "js", "quiz.js"));

let input = "";
process.stdin.setEncoding("utf8");
process.stdin.on("data", (chunk) => { input += chunk; });
process.stdin.on("end", () => {
  const { quiz, answer_sets: answerSets } = JSON.parse(input);
  process.stdout.write(JSON.stringify(answerSets.map((answers) => scorer.scoreAnswers(quiz, answers))));
});
