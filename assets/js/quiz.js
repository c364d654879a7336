// The quiz in the browser: the same scorer as signpost/quiz/score.py, and the page's steps.
// No framework, no build step, no eval; runs under script-src 'self'. It reads the quiz the
// build embedded as JSON (script[data-quiz-rules]) and keeps answers only in memory: nothing is sent or stored.
// The scorer half also runs under node, where tests check that it agrees with the Python one.
(function () {
  "use strict";

  // ---- The scorer: keep in step with signpost/quiz/score.py, rule for rule ----

  function has(object, key) {
    return Object.prototype.hasOwnProperty.call(object, key);
  }

  function findQuestion(data, id) {
    for (var i = 0; i < data.questions.length; i++) if (data.questions[i].id === id) return data.questions[i];
    return null;
  }

  function findOption(question, id) {
    for (var i = 0; i < question.options.length; i++) if (question.options[i].id === id) return question.options[i];
    return null;
  }

  function findOutcome(data, id) {
    for (var i = 0; i < data.outcomes.length; i++) if (data.outcomes[i].id === id) return data.outcomes[i];
    return null;
  }

  // Whether a counted score meets every limit (null: none); percents compare exactly, without rounding.
  function scoreWithin(value, c) {
    if (!value || !value.counted) return false;
    var scaled = value.percent ? value.total * 100 : value.total;
    var scale = value.percent ? value.answered_max : 1;
    return !(c.at_least != null && scaled < c.at_least * scale || c.above != null && scaled <= c.above * scale ||
      c.at_most != null && scaled > c.at_most * scale || c.below != null && scaled >= c.below * scale);
  }

  // A counted percent as shown, rounded half up to `decimals` (42.5 -> 43) in whole numbers, as score.py does.
  function showPercent(total, most, decimals) {
    var scale = Math.pow(10, decimals), n = 200 * total * scale + most, d = 2 * most;
    return ((n - (n % d + d) % d) / d / scale).toFixed(decimals) + "%";
  }

  // Whether a condition (the same JSON shapes as the YAML) holds for these facts.
  function evaluate(condition, facts) {
    if (has(condition, "always")) return true;
    if (has(condition, "flag")) return facts.flags.indexOf(condition.flag) >= 0;
    if (has(condition, "question")) {
      var chosen = facts.chosen[condition.question] || [];
      return condition.is.some(function (id) { return chosen.indexOf(id) >= 0; });
    }
    if (has(condition, "score")) {
      var value = facts.scores[condition.score];
      return has(condition, "counts") ? !!value && value.counted === condition.counts : scoreWithin(value, condition);
    }
    if (has(condition, "all")) return condition.all.every(function (c) { return evaluate(c, facts); });
    if (has(condition, "any")) return condition.any.some(function (c) { return evaluate(c, facts); });
    if (has(condition, "not")) return !evaluate(condition.not, facts);
    throw new Error("not a condition: " + JSON.stringify(condition));
  }

  function raisedBy(question, picked) {
    var flags = [];
    question.options.forEach(function (option) {
      if (picked.indexOf(option.id) < 0) return;
      (option.raises || []).forEach(function (flag) { if (flags.indexOf(flag) < 0) flags.push(flag); });
    });
    return flags;
  }

  // Every way in which the options picked for one shown question are not a valid answer. The
  // page never shows these (its form only offers valid answers), so they are terse: score.py's
  // messages say the same in full, for the command line.
  function checkPicked(question, picked) {
    var errors = [], q = question.id + ": ";
    picked.forEach(function (id) {
      if (!findOption(question, id)) errors.push(q + "no option " + id);
    });
    if (new Set(picked).size !== picked.length) errors.push(q + "an option twice");
    if (!picked.length && question.required) errors.push(q + "no answer");
    if (picked.length > 1 && question.choose !== "many") errors.push(q + "one answer only");
    var exclusive = question.options.filter(function (o) { return o.exclusive && picked.indexOf(o.id) >= 0; });
    if (exclusive.length && picked.length > 1 && question.choose === "many") errors.push(q + exclusive[0].id + " is exclusive");
    return errors;
  }

  // Go through the questions as a person would: which are asked, which flags are raised.
  function walkAnswers(data, answers) {
    var errors = [], asked = [], flags = [], chosen = {}, stoppedAt = null;
    Object.keys(answers).forEach(function (id) {
      if (!findQuestion(data, id)) errors.push(id + ": no such question");
    });
    data.questions.forEach(function (question) {
      var picked = (answers[question.id] || []).slice();
      if (stoppedAt !== null) {
        if (picked.length) errors.push(question.id + ": not asked, the quiz ended at " + stoppedAt);
        return;
      }
      if (question.show_if && !evaluate(question.show_if, { flags: flags, chosen: chosen, scores: {} })) {
        if (picked.length) errors.push(question.id + ": hidden by show_if");
        return;
      }
      asked.push(question.id);
      errors = errors.concat(checkPicked(question, picked));
      picked = picked.filter(function (id) { return findOption(question, id); });
      chosen[question.id] = picked;
      var raised = raisedBy(question, picked);
      raised.forEach(function (flag) { if (flags.indexOf(flag) < 0) flags.push(flag); });
      if (raised.indexOf(data.stop_flag) >= 0 || settledNow(data, question, flags, chosen)) stoppedAt = question.id;
    });
    return { errors: errors, asked: asked, flags: flags, chosen: chosen, stopped: stoppedAt !== null };
  }

  // Whether the answers so far give an outcome no later answer can change (proved by the build).
  function settledNow(data, question, flags, chosen) {
    var settled = data.settled[question.id];
    if (!settled) return false;
    var rule = firstRule(data, { flags: flags, chosen: chosen, scores: totalScores(data, chosen) });
    return rule !== null && settled.indexOf(rule.outcome) >= 0;
  }

  function totalScores(data, chosen) {
    var scores = {};
    data.scores.forEach(function (score) { scores[score.id] = totalScore(data, score, chosen); });
    return scores;
  }

  function firstRule(data, facts) {
    for (var i = 0; i < data.rules.length; i++) if (evaluate(data.rules[i].when, facts)) return data.rules[i];
    return null;
  }

  function totalScore(data, score, chosen) {
    var total = 0, answered = 0, answeredMax = 0;
    data.questions.forEach(function (question) {
      var picked = chosen[question.id];
      if ((question.scores || []).indexOf(score.id) < 0 || !picked || !picked.length) return;
      question.options.forEach(function (option) {
        if (picked.indexOf(option.id) >= 0) total += option.points || 0;
      });
      answered += 1;
      answeredMax += question.max_points || 0;
    });
    var counted = answered >= score.min_answered && (!score.percent || (answered > 0 && answeredMax > 0));
    return { total: total, answered: answered, answered_max: answeredMax, counted: counted, percent: score.percent,
      shown: !counted ? null : score.percent ? showPercent(total, answeredMax, score.round) : String(total) };
  }

  // The chosen "question\noption" keys that made a true condition true.
  function explain(condition, facts, data) {
    var keys = [];
    if (has(condition, "flag")) {
      data.questions.forEach(function (q) {
        q.options.forEach(function (o) {
          if ((facts.chosen[q.id] || []).indexOf(o.id) >= 0 && (o.raises || []).indexOf(condition.flag) >= 0) keys.push(q.id + "\n" + o.id);
        });
      });
    } else if (has(condition, "question")) {
      (facts.chosen[condition.question] || []).forEach(function (id) {
        if (condition.is.indexOf(id) >= 0) keys.push(condition.question + "\n" + id);
      });
    } else if (has(condition, "score") && !has(condition, "counts")) {   // a score that does not count names nothing
      data.questions.forEach(function (q) {
        if ((q.scores || []).indexOf(condition.score) < 0) return;
        (facts.chosen[q.id] || []).forEach(function (id) { keys.push(q.id + "\n" + id); });
      });
    } else if (has(condition, "all") || has(condition, "any")) {
      (condition.all || condition.any).forEach(function (c) {
        if (evaluate(c, facts)) keys = keys.concat(explain(c, facts, data));
      });
    }
    return keys;
  }

  // Score one set of answers, {question id: [option ids]}: the same result as score_answers().
  function scoreAnswers(data, answers) {
    var walked = walkAnswers(data, answers);
    if (walked.errors.length) return { errors: walked.errors };
    var scores = totalScores(data, walked.chosen);
    var facts = { flags: walked.flags, chosen: walked.chosen, scores: scores };
    var rule = firstRule(data, facts);
    if (!rule) return { errors: ["No rule matched these answers and the quiz has no catch-all."] };
    var why = explain(rule.when, facts, data), reasons = [];
    data.questions.forEach(function (q) {
      q.options.forEach(function (o) { if (why.indexOf(q.id + "\n" + o.id) >= 0) reasons.push([q.id, o.id]); });
    });
    return {
      errors: [],
      outcome: rule.outcome,
      urgency: findOutcome(data, rule.outcome).urgency,
      flags: data.flags.filter(function (f) { return walked.flags.indexOf(f) >= 0; }),
      scores: scores,
      reasons: reasons,
      asked: walked.asked,
      stopped: walked.stopped
    };
  }

  var scorer = { scoreAnswers: scoreAnswers, walkAnswers: walkAnswers, evaluate: evaluate };

  // ---- The page: one question per step, a history entry per step ----

  function startPage(root, data) {
    var answers = {};
    var current = "start";
    var changing = false;
    var baseTitle = document.title;
    var steps = root.querySelectorAll("[data-step]");
    var back = root.querySelector("[data-back]");
    var summary = root.querySelector("[data-error-summary]");
    var signs = root.querySelector("[data-warning-signs]"), actions = root.querySelector("[data-result-actions]");

    // Answers to the questions that are asked now (answers to hidden ones are kept but not used).
    function liveAnswers() {
      var walked = walkAnswers(data, answers), live = {};
      walked.asked.forEach(function (id) { if (answers[id] && answers[id].length) live[id] = answers[id]; });
      return live;
    }

    function askedNow() {
      return walkAnswers(data, liveAnswers()).asked;
    }

    function stepElement(id) {
      for (var i = 0; i < steps.length; i++) if (steps[i].getAttribute("data-step") === id) return steps[i];
      return null;
    }

    function show(id, push) {
      if (id !== "start" && id !== "check" && id !== "result" && askedNow().indexOf(id) < 0) id = firstUnanswered() || "check";
      if ((id === "check" || id === "result") && firstUnanswered()) id = firstUnanswered();
      current = id;
      clearError();
      for (var i = 0; i < steps.length; i++) steps[i].hidden = true;
      var result = id === "result" && scoreAnswers(data, liveAnswers());
      var element = stepElement(result ? "result-" + result.outcome : id);
      // The warning signs, written once in the page, are the safety net under every result but an emergency.
      if (signs) signs.hidden = !result || result.urgency === "emergency";
      actions.hidden = !result;
      if (id === "check") fillCheck(element);
      else if (id === "result") fillResult(element);
      else if (id !== "start") fillQuestion(element, id);
      element.hidden = false;
      back.hidden = id === "start";
      document.title = id === "start" ? baseTitle : titleOf(element) + " – " + baseTitle;
      if (push) history.pushState({ quizStep: id }, "");
      window.scrollTo(0, 0);
      var heading = element.querySelector("h1");
      if (id !== "start" && heading) heading.focus();
    }

    function titleOf(element) {
      var heading = element.querySelector("h1 [data-title]") || element.querySelector("h1");
      return heading.textContent.replace(/\s+/g, " ").trim();
    }

    // The first asked question never answered (or a required one left empty), or null.
    function firstUnanswered() {
      var asked = askedNow();
      for (var i = 0; i < asked.length; i++) {
        var q = findQuestion(data, asked[i]), given = answers[q.id];
        if (!given || (q.required && !given.length)) return q.id;
      }
      return null;
    }

    // "of up to N", N every question: later answers can add questions (show_if) or end the quiz
    // early, so a count of those asked so far would change mid-quiz; this one never does.
    function fillQuestion(element, id) {
      element.querySelector("[data-progress]").textContent = "Question " + (askedNow().indexOf(id) + 1) + " of up to " + data.questions.length;
      var picked = answers[id] || [];
      element.querySelectorAll("input").forEach(function (input) { input.checked = picked.indexOf(input.value) >= 0; });
    }

    function picked(element) {
      var values = [];
      element.querySelectorAll("input:checked").forEach(function (input) { values.push(input.value); });
      return values;
    }

    function next(id) {
      var live = liveAnswers(), result = scoreAnswers(data, live);
      // An emergency answer goes straight to the result; a settled one to "Check your answers".
      if (result.stopped) return result.flags.indexOf(data.stop_flag) >= 0 ? "result" : "check";
      var missing = firstUnanswered();
      if (changing) return missing || "check";
      var asked = askedNow(), after = asked[asked.indexOf(id) + 1];
      return after || missing || "check";
    }

    function submitQuestion(element) {
      var id = element.getAttribute("data-step"), question = findQuestion(data, id), values = picked(element);
      if (!values.length && question.required) return showError(element, question);
      answers[id] = values;
      show(next(id), true);
    }

    function showError(element, question) {
      var message = element.querySelector(".error-message");
      var text = message.querySelector("[data-error-text]").textContent;
      message.hidden = false;
      element.querySelector(".form-group").classList.add("form-group--error");
      element.querySelector("fieldset").setAttribute("aria-describedby", question.id + "-hint " + message.id);
      var link = summary.querySelector("a");
      link.textContent = text;
      link.setAttribute("href", "#" + element.querySelector("input").id);
      summary.hidden = false;
      document.title = "Error: " + titleOf(element) + " – " + baseTitle;
      summary.focus();
    }

    function clearError() {
      summary.hidden = true;
      root.querySelectorAll(".error-message").forEach(function (message) { message.hidden = true; });
      root.querySelectorAll(".form-group--error").forEach(function (g) { g.classList.remove("form-group--error"); });
      root.querySelectorAll("fieldset").forEach(function (fieldset) {   // back to the hint alone
        fieldset.setAttribute("aria-describedby", fieldset.getAttribute("aria-describedby").split(" ")[0]);
      });
    }

    // Question and answer wording is read from the page, which has it already: the JSON
    // carries only what scoring needs, keeping the page inside its 14 KB budget.
    function textOf(question) {
      return root.querySelector('[data-step="' + question.id + '"] [data-title]').textContent;
    }

    function labelsOf(question, ids) {
      return question.options.filter(function (o) { return ids.indexOf(o.id) >= 0; }).map(function (o) {
        return root.querySelector('label[for="' + question.id + "-" + o.id + '"]').textContent;
      });
    }

    // A <dl> of question → answer rows, with Change links when asked.
    function fillAnswerList(list, withChange) {
      var live = liveAnswers();
      list.textContent = "";
      askedNow().forEach(function (id) {
        var q = findQuestion(data, id), row = document.createElement("div");
        row.className = "summary-row";
        var term = document.createElement("dt"), value = document.createElement("dd");
        term.textContent = textOf(q);
        var labels = labelsOf(q, live[id] || []);
        value.textContent = labels.length ? labels.join("; ") : "Not answered";
        row.appendChild(term);
        row.appendChild(value);
        if (withChange) {
          var action = document.createElement("dd"), link = document.createElement("a"), hidden = document.createElement("span");
          action.className = "summary-action no-print";
          link.href = "#";
          link.setAttribute("data-change", id);
          link.textContent = "Change";
          hidden.className = "visually-hidden";
          hidden.textContent = " your answer to: " + textOf(q);
          link.appendChild(hidden);
          action.appendChild(link);
          row.appendChild(action);
        }
        list.appendChild(row);
      });
    }

    function fillCheck(element) {
      changing = true;
      fillAnswerList(element.querySelector("[data-answer-list]"), true);
    }

    function fillResult(element) {
      var result = scoreAnswers(data, liveAnswers());
      var reasons = element.querySelector("[data-reasons]");
      if (reasons) {
        reasons.textContent = "";
        result.reasons.forEach(function (pair) {
          var q = findQuestion(data, pair[0]), item = document.createElement("li");
          item.textContent = textOf(q) + " " + labelsOf(q, [pair[1]])[0];
          reasons.appendChild(item);
        });
        element.querySelector("[data-reasons-block]").hidden = !result.reasons.length;
      }
      var list = element.querySelector("[data-answer-list]");
      if (list) fillAnswerList(list, false);
      var scores = element.querySelector("[data-scores]");
      if (scores) fillScores(scores, result);
      var date = element.querySelector("[data-date]");
      if (date) date.textContent = new Date().toLocaleDateString("en-GB", { day: "numeric", month: "long", year: "numeric" });
    }

    function fillScores(list, result) {
      list.textContent = "";
      data.scores.forEach(function (score) {
        var item = document.createElement("li");
        item.textContent = score.label + ": " + (result.scores[score.id].shown || "not enough answers to score");
        list.appendChild(item);
      });
    }

    function clearAnswers() {
      answers = {};
      changing = false;
      root.querySelectorAll("input").forEach(function (input) { input.checked = false; });
      show("start", true);
      var status = root.querySelector("[data-cleared]");
      if (status) status.hidden = false;
    }

    // "None of these" clears the other boxes, and ticking another box clears it.
    root.addEventListener("change", function (event) {
      var input = event.target;
      if (input.type !== "checkbox" || !input.checked) return;
      var group = root.querySelectorAll("input[name='" + input.name + "']");
      group.forEach(function (other) {
        if (other !== input && (input.hasAttribute("data-exclusive") || other.hasAttribute("data-exclusive"))) other.checked = false;
      });
    });

    root.addEventListener("submit", function (event) {
      event.preventDefault();
      var step = event.target.closest("[data-step]");
      if (step) submitQuestion(step);
    });

    root.addEventListener("click", function (event) {
      var target = event.target.closest("a, button");
      if (!target) return;
      if (target.hasAttribute("data-back")) { event.preventDefault(); history.back(); }
      else if (target.hasAttribute("data-start")) {
        changing = false;
        var status = root.querySelector("[data-cleared]");
        if (status) status.hidden = true;
        show(data.questions[0].id, true);
      }
      else if (target.hasAttribute("data-change")) { event.preventDefault(); changing = true; show(target.getAttribute("data-change"), true); }
      else if (target.hasAttribute("data-see-result")) show("result", true);
      else if (target.hasAttribute("data-clear")) clearAnswers();
      else if (target.hasAttribute("data-print")) window.print();
      else if (target.closest("[data-error-summary]")) {
        event.preventDefault();
        var input = document.getElementById(target.getAttribute("href").slice(1));
        input.focus();
        input.closest("fieldset").scrollIntoView();
      }
    });

    window.addEventListener("popstate", function (event) {
      var step = event.state && event.state.quizStep;
      if (step) show(step, false);
    });

    root.querySelectorAll("[data-needs-js]").forEach(function (element) { element.hidden = false; });
    root.querySelectorAll("[data-no-js]").forEach(function (element) { element.hidden = true; });
    history.replaceState({ quizStep: "start" }, "");
    show("start", false);
  }

  if (typeof module === "object" && module.exports) module.exports = scorer;
  if (typeof document !== "undefined") {
    var begin = function () {
      var root = document.querySelector("[data-quiz]"), source = document.querySelector("script[data-quiz-rules]");
      if (root && source) startPage(root, JSON.parse(source.textContent));
    };
    if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", begin);
    else begin();
  }
})();
