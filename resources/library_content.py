"""The library's starting content, written for this hub in plain English for
keyworkers. Names of the people who developed each idea are given so readers can
look further; no published text is reproduced, and the worked examples are fictional.

Each page is a dict the demo seed turns into a Wagtail page. Stream fields are
lists of blocks built with the small helpers below; `download("key")` refers to a
file made in resources/generated.py, `related("slug", ...)` to other pages here.
"""

from __future__ import annotations

from resources.models import Audience, Course, Kind


def text(html: str) -> dict:
    return {"type": "text", "value": html}


def callout(heading: str, html: str, style: str = "info") -> dict:
    return {"type": "callout", "value": {"style": style, "heading": heading, "text": html}}


def try_this(
    steps: list[str], reflect: str = "", intro: str = "", title: str = "Try this with a family"
) -> dict:
    return {
        "type": "try_this",
        "value": {"title": title, "introduction": intro, "steps": steps, "reflect": reflect},
    }


def step(heading: str, html: str) -> dict:
    return {"type": "step", "value": {"heading": heading, "text": html}}


def quote(words: str, attribution: str = "") -> dict:
    return {"type": "quote", "value": {"quote": words, "attribution": attribution}}


def download(key: str, title: str = "", description: str = "") -> dict:
    """A document block; the seed swaps `key` for the document's id."""
    return {"type": "download", "value": {"document": key, "title": title, "description": description}}


def related(*slugs: str, heading: str = "Related resources") -> dict:
    """Related pages; the seed swaps slugs for page ids once every page exists."""
    return {"type": "related", "value": {"heading": heading, "pages": list(slugs)}}


TOPICS = {
    "relationships": "Seeing a family's relationships",
    "questions": "Questions that open things up",
    "difference": "Difference, identity and power",
    "curiosity": "Curiosity and hypotheses",
    "reflecting": "Reflective practice",
    "meaning": "Context and meaning",
    "risk": "Risk and uncertainty",
    "measures": "Measuring change",
    "cpd": "Five-day CPD",
    "working": "Working well with families",
}

#: Files made in code (resources/generated.py): key -> (title, file name).
DOCUMENTS = {
    "genogram-template": ("Genogram template", "genogram-template.pdf"),
    "ecomap-template": ("Ecomap template", "ecomap-template.pdf"),
    "circular-questions-card": ("Circular questions prompt card", "circular-questions-prompt-card.docx"),
    "hypothesis-worksheet": ("Hypothesising worksheet", "hypothesising-worksheet.docx"),
    "score15-record": ("SCORE-15 record sheet", "score-15-record-sheet.docx"),
    "cpd-day-1": ("Five-day CPD, day 1 handout", "cpd-day-1-handout.pdf"),
    "cpd-day-2": ("Five-day CPD, day 2 handout", "cpd-day-2-handout.pdf"),
    "cpd-day-3": ("Five-day CPD, day 3 handout", "cpd-day-3-handout.pdf"),
    "cpd-day-4": ("Five-day CPD, day 4 handout", "cpd-day-4-handout.pdf"),
    "cpd-day-5": ("Five-day CPD, day 5 handout", "cpd-day-5-handout.pdf"),
}

#: The points on each CPD day's handout.
CPD_HANDOUTS = {
    1: (
        "Thinking systemically",
        [
            "A family is more than the people in it: it is the patterns between them.",
            "Problems make sense in their context. Ask what else is going on, not only what is wrong.",
            "You are part of the system too. The family responds to you, your service and its rules.",
            "A genogram is a quick way to see the family, its history and its relationships together.",
            "Before day 2: draw your own genogram (three generations) and notice what it was like.",
        ],
    ),
    2: (
        "Curiosity, hypotheses and circular questions",
        [
            "A hypothesis is a useful idea about what is going on, not the truth. Hold it lightly.",
            "Good hypotheses include everyone and explain how the pattern keeps going.",
            "Circular questions ask about differences, relationships and what happens between people.",
            "Lineal, circular, strategic and reflexive questions do different jobs: choose on purpose.",
            "Before day 3: try two circular questions with a family and note what changed.",
        ],
    ),
    3: (
        "Difference, identity and power",
        [
            "Social GGRRAAACCEEESSS names the differences that shape lives and relationships.",
            "Some differences are visible and some invisible; some are talked about and some are not.",
            "Your own identity shapes what you notice and how a family sees you. Say so.",
            "The domains model: production (rules and duties), explanation (many stories), aesthetics (how we act).",
            "Before day 4: ask a family which differences matter to them, and how.",
        ],
    ),
    4: (
        "Risk, uncertainty and meaning",
        [
            "Safe uncertainty: be clear about risk and still stay open to new ideas.",
            "Unsafe certainty shuts down thinking; unsafe uncertainty leaves people without a plan.",
            "CMM: words mean different things in different contexts (episode, relationship, identity, family, culture).",
            "Ask which context matters most to each person right now.",
            "Before day 5: notice a moment you felt certain, and what you might have missed.",
        ],
    ),
    5: (
        "Reflecting, measuring and keeping it going",
        [
            "Reflecting conversations let a family hear professionals think aloud, tentatively and kindly.",
            "Ecomaps show the family's world: who helps, who stresses, who is missing.",
            "SCORE-15 lets family members say how family life is, and lets you see change over time.",
            "Monthly reflective sessions and consultations with your systemic practitioner keep practice alive.",
            "Your plan: one tool you will use with every family next month.",
        ],
    ),
}


PAGES: list[dict] = [
    # --- systemic tools --------------------------------------------------------------------
    {
        "type": "tool",
        "slug": "genograms",
        "title": "Genograms",
        "summary": "A family tree that shows relationships, history and patterns as well as names: "
        "drawn with a family, it helps everyone see the bigger picture.",
        "topics": ["relationships"],
        "what_it_is": [
            text(
                "<p>A genogram is a drawing of a family over at least three generations. Like a family "
                "tree it shows who is who, but it also shows how people get on, who lives with whom, "
                "important events (births, deaths, separations, moves) and patterns that repeat.</p>"
                "<p>Genograms come from family therapy (Monica McGoldrick and Randy Gerson made the "
                "symbols widely known). In keywork they are a way of getting to know a family that "
                "puts the family in charge of their own story.</p>"
            ),
        ],
        "when_to_use": [
            text(
                "<ul><li>Early on, to understand who is in the family and who matters to them.</li>"
                "<li>When the household is complicated: step-families, children living in different "
                "places, grandparents bringing up children.</li>"
                "<li>When a problem seems to repeat across generations (for example, leaving school "
                "early, or men being absent).</li>"
                "<li>When you are stuck: drawing it again with the family often shows what you missed.</li></ul>"
            ),
            callout(
                "Go gently",
                "<p>Talking about family history can bring up loss, abuse or estrangement. Ask "
                "permission, let people skip parts, and do not push for details the work does not need.</p>",
                "important",
            ),
        ],
        "steps": [
            step(
                "Explain and ask",
                "<p>Say what a genogram is and why you would like to draw one: “It helps me understand "
                "who is in your family and who is important to you.” Ask if they are happy to do it, "
                "and who should be there.</p>",
            ),
            step(
                "Start with the household",
                "<p>Draw the people who live in the home first, using squares for males and circles for "
                "females (ask how people describe themselves). Put children below their parents, oldest "
                "on the left, and draw a line round the household.</p>",
            ),
            step(
                "Add the generations",
                "<p>Work up to grandparents and out to aunts, uncles and others who matter. Add ages, "
                "dates of key events, and people who have died (a cross in the symbol).</p>",
            ),
            step(
                "Show the relationships",
                "<p>Ask how people get on and draw it: close, distant, in conflict, cut off. Use the "
                "family's own words beside the lines; they are more telling than any symbol.</p>",
            ),
            step(
                "Look at it together",
                "<p>Ask what they notice. Patterns, strengths and gaps often stand out: “Who in the "
                "family has got through something like this before?”</p>",
            ),
            step(
                "Agree what happens to it",
                "<p>Ask whether the family would like a copy, and explain how it will be kept in the "
                "case record. Update it as you learn more.</p>",
            ),
        ],
        "worked_example": [
            text(
                "<p><em>A fictional family.</em> Keyworker Sam drew a genogram with Leah (34) and her "
                "son Josh (14), who was missing school. The household was just Leah and Josh, but the "
                "drawing showed Leah's mother living two streets away and Josh's father, Dean, in "
                "another town with a new partner and a baby.</p>"
                "<p>When Sam asked who Josh was closest to, Leah drew a strong line to her mother and a "
                "broken line to Dean. Josh added a line Sam had not expected: to his grandad, who had "
                "died the previous spring. Josh's absences had started that summer.</p>"
                "<p>The conversation moved from “Josh won't go to school” to how the family was "
                "grieving. Leah's mother became part of the plan for mornings.</p>"
            ),
        ],
        "templates": [
            download(
                "genogram-template",
                "Genogram template (with symbols key)",
                "A one-page template with the common symbols, to print and draw on with a family.",
            ),
        ],
        "extra_try_this": try_this(
            [
                "Ask the family who they would put on a drawing of “the family”. Let them decide.",
                "Draw together, on paper big enough for everyone to see.",
                "Ask one relationship question for each generation: “Who was your mum closest to?”",
            ],
            reflect="Who did the family include that you would have left out, and who did they leave out?",
        ),
        "related": ["ecomaps", "circular-questions"],
    },
    {
        "type": "tool",
        "slug": "ecomaps",
        "title": "Ecomaps",
        "summary": "A map of the family in the middle and the people, services and places around "
        "them, showing which connections help and which cause stress.",
        "topics": ["relationships"],
        "what_it_is": [
            text(
                "<p>An ecomap puts the family (or one person) in a circle in the middle and draws the "
                "world around them in other circles: school, health services, work, friends, extended "
                "family, faith groups, clubs, other agencies. Lines show how strong or stressful each "
                "connection is, and arrows show which way support or energy flows.</p>"
                "<p>Ann Hartman developed the ecomap in social work in the 1970s. Where a genogram "
                "shows the family over time, an ecomap shows the family's world now.</p>"
            ),
        ],
        "when_to_use": [
            text(
                "<ul><li>To see a family's support network, and its gaps, at the start of the work.</li>"
                "<li>When many services are involved and it is not clear who does what.</li>"
                "<li>When a family feels isolated: the drawing can show people they had forgotten.</li>"
                "<li>At the end of the work, to plan who will be there when you are not.</li></ul>"
            ),
        ],
        "steps": [
            step(
                "Put the family in the middle",
                "<p>Draw the household in the central circle (a small genogram works well).</p>",
            ),
            step(
                "Add the world around them",
                "<p>Ask who and what is part of their life, and draw a circle for each. Include informal "
                "support (a neighbour, a football coach) as well as services.</p>",
            ),
            step(
                "Draw the connections",
                "<p>Use a thick line for strong, a dashed line for weak or patchy, and a hatched line "
                "for stressful. Add arrows for which way help flows. Let the family choose.</p>",
            ),
            step(
                "Talk about what you see",
                "<p>“Where does most of your energy go? Who gives energy back? Who is missing?”</p>",
            ),
        ],
        "worked_example": [
            text(
                "<p><em>A fictional family.</em> The Okoro family had six services involved. On the "
                "ecomap, Mrs Okoro drew hatched lines to four of them and a thick line only to her "
                "church. Her keyworker used the drawing at the next team-around-the-family meeting; "
                "two services agreed to combine their visits, and the church's youth leader was "
                "invited to the plan.</p>"
            ),
        ],
        "templates": [
            download(
                "ecomap-template",
                "Ecomap template",
                "A one-page template with eight circles and a key for the lines.",
            ),
        ],
        "related": ["genograms"],
    },
    {
        "type": "tool",
        "slug": "circular-questions",
        "title": "Circular questions (Tomm's four kinds of question)",
        "summary": "Questions about differences, relationships and patterns, and Karl Tomm's "
        "way of choosing between lineal, circular, strategic and reflexive questions.",
        "topics": ["questions", "curiosity"],
        "what_it_is": [
            text(
                "<p>Circular questions ask about the connections between people rather than about one "
                "person's problem. Instead of “Why does Kyle hit his sister?” you might ask “When Kyle "
                "and his sister fight, what does Mum do? And what does Dad do then?” The answers show "
                "the pattern everyone is part of, and hearing them often gives the family new "
                "information about each other.</p>"
                "<p>The idea comes from the Milan team of family therapists (around 1980). Karl Tomm, "
                "a Canadian psychiatrist, later sorted questions into four kinds by asking two things "
                "about any question: is it mainly to <strong>find out</strong> (orienting) or to "
                "<strong>make a difference</strong> (influencing)? And does it assume a simple cause "
                "and effect (lineal) or a pattern of mutual influence (circular)?</p>"
                "<h3>The four kinds</h3>"
                "<ul>"
                "<li><strong>Lineal questions</strong> (finding out, cause and effect) are like a "
                "detective's: “What is the problem? When did it start? Who is to blame?” They are useful "
                "for facts but can leave people feeling judged.</li>"
                "<li><strong>Circular questions</strong> (finding out, patterns) are like an explorer's: "
                "“Who is most worried about Kyle? Who next?” “What is different between you and your "
                "sister since Dad left?”</li>"
                "<li><strong>Strategic questions</strong> (making a difference, cause and effect) are "
                "like a teacher's, and steer: “What would happen if you told him calmly instead?” Use "
                "sparingly; they can feel like advice in disguise.</li>"
                "<li><strong>Reflexive questions</strong> (making a difference, patterns) are like a "
                "guide's: they invite people to think in new ways without telling them what to think. "
                "“If the arguments stopped, who would notice first?” “What would your grandmother say "
                "about this?”</li>"
                "</ul>"
            ),
        ],
        "when_to_use": [
            text(
                "<p>Circular and reflexive questions help most when a family is stuck in blame, when "
                "one person is seen as “the problem”, or when everyone is telling the same story. "
                "Lineal questions still have their place: when you need facts about safety, ask "
                "directly.</p>"
            ),
            callout(
                "Keep safety questions direct",
                "<p>When there is a safeguarding concern, ask clear, lineal questions and follow your "
                "local procedures. Circular questions sit alongside, not instead.</p>",
                "important",
            ),
        ],
        "steps": [
            step(
                "Notice the kind of question you usually ask",
                "<p>Most of us default to lineal questions. For one visit, jot down your questions "
                "afterwards and sort them into the four kinds.</p>",
            ),
            step(
                "Ask about differences",
                "<p>“Who gets on best with Nan? Who least?” “Is it worse in the mornings or evenings?” "
                "“Was it different before the move?”</p>",
            ),
            step(
                "Ask one person about others",
                "<p>Ask a child what they think happens between their parents, or a parent what their "
                "son thinks of his sister. Everyone hears something new.</p>",
            ),
            step(
                "Add a reflexive question",
                "<p>Look to the future or another viewpoint: “Suppose things were better in six "
                "months: what would be different?” Then listen; do not rush to the next question.</p>",
            ),
        ],
        "worked_example": [
            text(
                "<p><em>A fictional family.</em> Priya's keyworker had asked many times why her daughter "
                "Anya (11) refused to go to bed. She tried: “When Anya won't go to bed, who is most "
                "upset? Who next?” Priya said she was, then her partner. Anya said: “Nobody, they just "
                "shout.” Then: “What happens between you two after Anya is finally asleep?” There was "
                "a pause, and Priya's partner said that was when they argued about money. Bedtime "
                "became a conversation about the evenings, not about Anya.</p>"
            ),
        ],
        "templates": [
            download(
                "circular-questions-card",
                "Circular questions prompt card",
                "Example questions of each kind to keep in your notebook.",
            ),
        ],
        "related": ["hypothesising", "reflecting-teams"],
    },
    {
        "type": "tool",
        "slug": "social-ggrraaacceeesss",
        "title": "Social GGRRAAACCEEESSS",
        "summary": "A reminder of the differences that shape people's lives, and a way of talking "
        "about them, including the differences between you and the family.",
        "topics": ["difference"],
        "what_it_is": [
            text(
                "<p>Social GGRRAAACCEEESSS is a memory aid developed by John Burnham and Alison "
                "Roper-Hall, systemic therapists in Birmingham. Each letter stands for an aspect of "
                "identity or social difference:</p>"
                "<ul><li><strong>G</strong>ender and <strong>G</strong>eography</li>"
                "<li><strong>R</strong>ace and <strong>R</strong>eligion</li>"
                "<li><strong>A</strong>ge, <strong>A</strong>bility and <strong>A</strong>ppearance</li>"
                "<li><strong>C</strong>lass and <strong>C</strong>ulture</li>"
                "<li><strong>E</strong>thnicity, <strong>E</strong>ducation and <strong>E</strong>mployment</li>"
                "<li><strong>S</strong>exuality, <strong>S</strong>exual orientation and "
                "<strong>S</strong>pirituality</li></ul>"
                "<p>Some of these are <strong>visible</strong> (you can see them) and some "
                "<strong>invisible</strong>; some are <strong>voiced</strong> (talked about) and some "
                "<strong>unvoiced</strong>. The list is not there to be ticked off: it is a prompt to "
                "notice which differences matter to this family, and how power goes with them, "
                "including the power you hold as a professional.</p>"
            ),
        ],
        "when_to_use": [
            text(
                "<ul><li>When you first meet a family: what might they assume about you, and you about them?</li>"
                "<li>When something in the relationship feels stuck or tense.</li>"
                "<li>In supervision, to think about your own responses to a family.</li>"
                "<li>When a family's experience of services has been shaped by racism, poverty, "
                "disability or other discrimination.</li></ul>"
            ),
        ],
        "steps": [
            step(
                "Start with yourself",
                "<p>Go through the letters for yourself. Which differences are visible to families? "
                "Which might shape how you see them?</p>",
            ),
            step(
                "Wonder about the family",
                "<p>Which differences seem to matter in this family, or between them and services? "
                "Hold your ideas as questions, not conclusions.</p>",
            ),
            step(
                "Name the difference, if it helps",
                "<p>“I'm aware I'm a lot younger than you, and don't have children: how is it, "
                "talking to me about parenting?” Naming a difference respectfully often makes it "
                "easier for the family to speak.</p>",
            ),
            step(
                "Ask what matters to them",
                "<p>“Is there anything about your culture or faith that I should understand to be "
                "useful to you?”</p>",
            ),
        ],
        "worked_example": [
            text(
                "<p><em>A fictional family.</em> Keyworker Tom, a white man in his fifties, found Mr and "
                "Mrs Hussain polite but guarded. In supervision he looked at the letters and "
                "noticed gender, age, religion and employment (he had come with a housing officer). "
                "At the next visit he said he wondered whether it was hard to talk openly with "
                "someone from “the council”, and asked what had happened with services before. Mrs "
                "Hussain described a past investigation that had frightened the children. The work "
                "became easier once this was said.</p>"
            ),
        ],
        "templates": [],
        "related": ["domains-model", "cmm-hierarchy-of-contexts"],
    },
    {
        "type": "tool",
        "slug": "hypothesising",
        "title": "Hypothesising",
        "summary": "Making a few useful, tentative ideas about what is going on in a family "
        "before and after you meet, and changing them as you learn.",
        "topics": ["curiosity"],
        "what_it_is": [
            text(
                "<p>A hypothesis is an idea about what is happening in a family that helps you decide "
                "what to ask next. The Milan team described hypothesising, with circularity and "
                "neutrality, as a guide for interviewing families. A hypothesis is not true or false; "
                "it is more or less <strong>useful</strong>.</p>"
                "<p>A systemic hypothesis includes everyone involved (you and other services too) and "
                "tries to explain how a pattern keeps going, rather than who caused it. Gianfranco "
                "Cecchin later wrote about staying <strong>curious</strong>: having more than one idea, "
                "so that you do not fall in love with any of them.</p>"
            ),
        ],
        "when_to_use": [
            text(
                "<ul><li>Before a first visit, from the referral: to prepare questions, not to decide.</li>"
                "<li>After each visit, to make sense of what you heard.</li>"
                "<li>When you notice you have become certain about a family.</li>"
                "<li>With colleagues, in reflective sessions and consultations.</li></ul>"
            ),
        ],
        "steps": [
            step(
                "Write down your first idea",
                "<p>From the referral, what do you think is going on? Write it down, so you can see it.</p>",
            ),
            step(
                "Make it systemic",
                "<p>Does it include everyone, and the relationships between them? Does it explain how "
                "the problem might be helping someone, or keeping something else at bay?</p>",
            ),
            step(
                "Make two more",
                "<p>Think of at least two other, different hypotheses. If you cannot, ask a colleague.</p>",
            ),
            step(
                "Turn them into questions",
                "<p>For each hypothesis, what would you ask to find out whether it is useful? Circular "
                "questions work well.</p>",
            ),
            step(
                "Revise after the visit",
                "<p>Keep what helped, drop what did not, and add what is new.</p>",
            ),
        ],
        "worked_example": [
            text(
                "<p><em>A fictional family.</em> A referral said Mia (9) was “out of control” at home. "
                "Hypothesis 1: Mia's behaviour brings her parents together (they stop arguing to deal "
                "with her). Hypothesis 2: Mia is worried about her mum, who has been unwell, and "
                "staying up keeps an eye on her. Hypothesis 3: the family has been told so often that "
                "Mia is the problem that everyone now expects it. Each led to different questions: "
                "“What happens between Mum and Dad when Mia is calm?” turned out to be the useful one.</p>"
            ),
        ],
        "templates": [
            download(
                "hypothesis-worksheet",
                "Hypothesising worksheet",
                "Space for three hypotheses and the questions each suggests.",
            ),
        ],
        "related": ["circular-questions", "safe-uncertainty"],
    },
    {
        "type": "tool",
        "slug": "reflecting-teams",
        "title": "Reflecting teams and reflecting conversations",
        "summary": "Letting a family listen while professionals think aloud about their situation, "
        "tentatively and respectfully, then hearing what the family made of it.",
        "topics": ["reflecting"],
        "what_it_is": [
            text(
                "<p>Tom Andersen, a Norwegian psychiatrist, developed the reflecting team in the 1980s. "
                "Instead of professionals discussing a family behind a one-way mirror, the family "
                "listens while the team talks about what they heard. Then the family talks about what "
                "they made of the team's conversation.</p>"
                "<p>The reflections are offered tentatively (“I wondered whether…”), they describe "
                "strengths as well as worries, and they are not advice. Hearing people think about them "
                "kindly, without having to answer, often helps families find their own new ideas.</p>"
                "<p>Keyworkers rarely have a team behind a mirror, but the same idea works with two "
                "people: a colleague on a joint visit, or your systemic practitioner in a consultation.</p>"
            ),
        ],
        "when_to_use": [
            text(
                "<ul><li>On a joint visit, when the conversation has become stuck.</li>"
                "<li>In a monthly group reflective session, when presenting a family's situation.</li>"
                "<li>At a review, to share professional thinking openly rather than in a report.</li></ul>"
            ),
        ],
        "steps": [
            step(
                "Agree it with the family first",
                "<p>Explain: “Would it be all right if my colleague and I talked for a few minutes about "
                "what we've heard, while you listen? Then we'd like to hear what you thought.”</p>",
            ),
            step(
                "Reflect with each other, not at the family",
                "<p>Turn towards your colleague. Speak tentatively, notice strengths, stay with what "
                "you heard. Keep it short: a few minutes.</p>",
            ),
            step(
                "Hand back to the family",
                "<p>“What stood out for you from what we said? Was there anything that didn't fit?”</p>",
            ),
        ],
        "worked_example": [
            text(
                "<p><em>A fictional family.</em> On a joint visit, two keyworkers reflected: “I was "
                "struck by how much Dad knows about what calms Ellie down.” “Yes, and I wondered whether "
                "Mum gets to see that, as she's usually at work then.” Mum said afterwards that she had "
                "never heard anyone say something good about her husband's parenting.</p>"
            ),
        ],
        "templates": [],
        "related": ["circular-questions"],
    },
    {
        "type": "tool",
        "slug": "cmm-hierarchy-of-contexts",
        "title": "CMM: the hierarchy of contexts",
        "summary": "A way of understanding why the same words or actions mean different things to "
        "different people, by asking which context matters most to each of them.",
        "topics": ["meaning"],
        "what_it_is": [
            text(
                "<p>The Coordinated Management of Meaning (CMM) is a theory of communication developed "
                "by W. Barnett Pearce and Vernon Cronen. One of its most useful ideas for practice is "
                "that what anything means depends on its context, and that contexts sit inside one "
                "another. A common way of drawing the levels is:</p>"
                "<ul><li><strong>Speech act</strong>: what was said or done (“You're always late”).</li>"
                "<li><strong>Episode</strong>: the situation it happened in (a row at breakfast).</li>"
                "<li><strong>Relationship</strong>: what it says about us (mother and teenage son).</li>"
                "<li><strong>Identity</strong>: what it says about me (“I'm a good mum”).</li>"
                "<li><strong>Family</strong>: the family's stories and rules (“we always stick together”).</li>"
                "<li><strong>Culture</strong>: wider beliefs about, for example, parents, respect or services.</li></ul>"
                "<p>Higher contexts usually shape the meaning of lower ones. But a single episode can "
                "also change a relationship or an identity, especially when it is repeated. People in "
                "the same episode may be guided by different contexts, which is why they end up "
                "talking past each other.</p>"
            ),
        ],
        "when_to_use": [
            text(
                "<ul><li>When an argument keeps happening and no one can say why it matters so much.</li>"
                "<li>When a family and a service mean different things by the same word (“support”, "
                "“engagement”, “safe”).</li>"
                "<li>When you want to understand your own reaction to a family.</li></ul>"
            ),
        ],
        "steps": [
            step("Pick one moment", "<p>Choose a specific episode: what was said or done, by whom.</p>"),
            step(
                "Ask each person what it meant",
                "<p>“When he said that, what did it tell you about how he sees you?” “About your family?”</p>",
            ),
            step(
                "Find the context that matters most",
                "<p>For each person, which level was most important in that moment: the relationship, "
                "their identity, the family's story? Draw the levels if it helps.</p>",
            ),
            step(
                "Look for another meaning",
                "<p>Is there a context in which the same act could mean something else? “Could "
                "checking on you be his way of being a good son?”</p>",
            ),
        ],
        "worked_example": [
            text(
                "<p><em>A fictional family.</em> Grandmother Rose found it insulting when her "
                "granddaughter's keyworker suggested a parenting course. For the keyworker, the "
                "context was the episode (a useful local course). For Rose, the context was identity "
                "(“I brought up five children”) and family (“we don't need outsiders”). Once this was "
                "talked about, Rose offered to go with her granddaughter as an experienced parent.</p>"
            ),
        ],
        "templates": [],
        "related": ["domains-model", "social-ggrraaacceeesss"],
    },
    {
        "type": "tool",
        "slug": "domains-model",
        "title": "The domains model",
        "summary": "Knowing when you are in the domain of rules and duties (production), of many "
        "possible explanations, or of how you go about things (aesthetics).",
        "topics": ["meaning", "risk"],
        "what_it_is": [
            text(
                "<p>Peter Lang, Martin Little and Vernon Cronen described three “domains of action” "
                "that professionals move between. Knowing which one you are in helps you be clear "
                "with families, and with yourself.</p>"
                "<ul><li><strong>The domain of production</strong> is about rules, procedures and "
                "duties: there is a right way and a wrong way. Safeguarding procedures, statutory "
                "timescales and the law belong here. Be clear and certain in this domain.</li>"
                "<li><strong>The domain of explanation</strong> is about understanding: there are "
                "many possible stories about what is going on, and no single truth. Curiosity, "
                "hypotheses and circular questions belong here.</li>"
                "<li><strong>The domain of aesthetics</strong> is about how we do things: the values, "
                "ethics, respect and care in the way we act. It sits across the other two.</li></ul>"
            ),
        ],
        "when_to_use": [
            text(
                "<p>Use it whenever you move from exploring with a family to telling them something "
                "they must do (or back again). Problems often arise when we bring production-domain "
                "certainty into a conversation that needs exploration, or stay curious when a family "
                "needs a clear answer.</p>"
            ),
        ],
        "steps": [
            step(
                "Notice which domain you are in",
                "<p>Before a visit, ask: what here is non-negotiable (production), and what is open "
                "to understanding (explanation)?</p>",
            ),
            step(
                "Say which domain you are speaking from",
                "<p>“I have to be clear with you about this part, it's a legal requirement… Now, the "
                "rest I'd really like to understand better from you.”</p>",
            ),
            step(
                "Check the how",
                "<p>Whatever the domain, think about the aesthetics: how will this be said, where, "
                "by whom, and with what care?</p>",
            ),
        ],
        "worked_example": [
            text(
                "<p><em>A fictional family.</em> A keyworker needed to tell a father that a child "
                "protection conference would go ahead (production). She said so plainly at the start, "
                "explained what would happen, then moved to explanation: “What do you think the "
                "professionals are worried about? What do you think they don't know about your "
                "family?” The father said later that it was the first time he had known where he stood.</p>"
            ),
        ],
        "templates": [],
        "related": ["safe-uncertainty", "cmm-hierarchy-of-contexts"],
    },
    {
        "type": "tool",
        "slug": "safe-uncertainty",
        "title": "Safe uncertainty",
        "summary": "Being clear about risk while staying open to new ideas: Barry Mason's grid of "
        "safe and unsafe certainty and uncertainty.",
        "topics": ["risk"],
        "what_it_is": [
            text(
                "<p>Barry Mason, a family therapist at the Institute of Family Therapy, described four "
                "positions a professional (or a family) can take when things are worrying:</p>"
                "<ul><li><strong>Unsafe certainty</strong>: “I know exactly what's wrong and what must "
                "happen.” It feels safe but shuts out other views and can miss risk.</li>"
                "<li><strong>Unsafe uncertainty</strong>: “I have no idea what's going on or what to do.” "
                "People feel lost and risk is unmanaged.</li>"
                "<li><strong>Safe certainty</strong>: “Everything is fine and will stay fine.” Often "
                "a wish rather than a fact.</li>"
                "<li><strong>Safe uncertainty</strong>: “We cannot know everything, but we know enough "
                "to act safely, and we'll keep learning.” Being open to change, with a clear plan.</li></ul>"
                "<p>Mason also wrote about <strong>authoritative doubt</strong>: using your knowledge "
                "and authority while staying open to being wrong.</p>"
            ),
        ],
        "when_to_use": [
            text(
                "<ul><li>When a family or professionals are pressing for certainty that cannot be given.</li>"
                "<li>When you notice you are sure you know what is going on.</li>"
                "<li>When everyone is anxious and the plan has stopped moving.</li></ul>"
            ),
            callout(
                "Safe uncertainty is not vagueness about risk",
                "<p>Where there is a risk of harm, act on it and follow procedures. Safe uncertainty "
                "is about how you think and talk while you do, not a reason to wait.</p>",
                "important",
            ),
        ],
        "steps": [
            step(
                "Place yourself on the grid",
                "<p>Where are you with this family right now? Where is the family? Other services?</p>",
            ),
            step(
                "Name what is known and what is not",
                "<p>With the family, list what you know, what you don't, and what you would need to know.</p>",
            ),
            step(
                "Agree what keeps things safe enough",
                "<p>What is the plan for now, and what would tell you it needs to change?</p>",
            ),
            step(
                "Keep the questions open",
                "<p>Return to the unknowns at each visit: what have we learned?</p>",
            ),
        ],
        "worked_example": [
            text(
                "<p><em>A fictional family.</em> A school was certain a boy's lateness was neglect; his "
                "mother was certain the school “had it in for him”. The keyworker drew the grid at a "
                "meeting, and asked each person where they were. Both laughed a little at “unsafe "
                "certainty”. They agreed what they knew (he was late on days his mother worked "
                "nights), what they didn't, and a four-week plan with a check-in.</p>"
            ),
        ],
        "templates": [],
        "related": ["domains-model", "hypothesising"],
    },
    {
        "type": "tool",
        "slug": "score-15",
        "title": "SCORE-15: a family functioning measure",
        "summary": "A short questionnaire that family members complete about how their family is "
        "getting on; free to use, and useful for seeing change over time. With a note on measures "
        "that are not free.",
        "topics": ["measures"],
        "what_it_is": [
            text(
                "<p>SCORE-15 (Systemic Clinical Outcome and Routine Evaluation) is a questionnaire of "
                "15 statements about family life, developed by Peter Stratton and colleagues at the "
                "University of Leeds with the Association for Family Therapy and Systemic Practice "
                "(AFT). Each family member aged about 12 and over rates how well each statement "
                "describes their family. It also asks a few open questions about the main problem.</p>"
                "<p>The answers give a picture of the family's strengths and difficulties from each "
                "person's point of view. Done at the start and again later, it shows whether things "
                "are changing, and differences between family members' answers are often the most "
                "interesting part to talk about.</p>"
            ),
            callout(
                "Free to use",
                "<p>SCORE-15 is free to use. Get the current version, its scoring guidance and "
                "versions in other languages from AFT, and use it as published: do not change the "
                "wording of the statements.</p>",
                "tip",
            ),
        ],
        "when_to_use": [
            text(
                "<ul><li>Near the start of the work, once the family knows you a little.</li>"
                "<li>Again at a review or at the end, to see what has changed.</li>"
                "<li>When family members seem to see things very differently.</li></ul>"
                "<p>Ask, don't insist: some families find questionnaires off-putting. Explain what "
                "it is for and who will see it.</p>"
            ),
        ],
        "steps": [
            step(
                "Explain and ask",
                "<p>Say what it is, that there are no right answers, how long it takes (a few "
                "minutes), and what you will do with it.</p>",
            ),
            step(
                "Everyone fills in their own",
                "<p>Each person completes it separately, without conferring. Help with reading if "
                "needed, without steering the answers.</p>",
            ),
            step(
                "Score it as the guidance says",
                "<p>Follow the scoring guidance published with the measure, and record the date and "
                "scores on the record sheet.</p>",
            ),
            step(
                "Talk about it together",
                "<p>Share the results in a way the family can use: “You and your son answered this one "
                "very differently: what do you make of that?”</p>",
            ),
        ],
        "worked_example": [
            text(
                "<p><em>A fictional family.</em> Ms Reid and her son Callum (15) each completed "
                "SCORE-15 early in the work. Ms Reid's answers showed a family struggling; Callum's "
                "showed hardly any difficulties. Asked about the difference, Callum said he “didn't "
                "want to make things worse for Mum”. That conversation became the start of the work. "
                "Four months later their answers were closer together, and both showed less "
                "difficulty than before.</p>"
            ),
        ],
        "templates": [
            download(
                "score15-record",
                "SCORE-15 record sheet",
                "A sheet to record when SCORE-15 was completed, by whom, and the scores. It does not "
                "contain the questionnaire: get that from AFT.",
            ),
        ],
        "extra_callout": callout(
            "Measures that are not free: check the licence first",
            "<p>Many well-known measures are copyrighted and need permission or a paid licence. "
            "Two you may come across:</p>"
            "<ul><li><strong>SDQ</strong> (Strengths and Difficulties Questionnaire): the paper "
            "version may be used without charge for non-commercial purposes, but it must not be "
            "changed, and using it electronically (online forms, scoring in a database) needs a "
            "licence from its publisher, youthinmind.</li>"
            "<li><strong>Maslach Burnout Inventory</strong>: sold by Mind Garden; every use needs a "
            "paid licence, and it must not be copied or put into another form.</li></ul>"
            "<p>Do not copy a measure into the hub, a spreadsheet or a case system without checking "
            "its licence. Ask the delivery lead before using any measure with families.</p>",
            "important",
        ),
        "related": ["genograms"],
    },
    # --- articles --------------------------------------------------------------------------
    {
        "type": "article",
        "slug": "introduction-to-systemic-practice",
        "title": "A short introduction to systemic practice for keyworkers",
        "summary": "What “systemic” means, why it suits family support, and how the tools in "
        "this library fit together.",
        "kind": Kind.READING,
        "topics": ["working", "cpd"],
        "body": [
            text(
                "<p>Systemic practice looks at people in their relationships and contexts rather "
                "than on their own. A child's behaviour, a parent's drinking or a family's debt is "
                "understood as part of patterns between people, across generations, and with the "
                "services and communities around them.</p>"
                "<h2>Why it suits family support</h2>"
                "<p>Keyworkers already work with whole families and with many services. Systemic ideas "
                "give that work a shared language and some practical tools, and help keep the focus "
                "on relationships, strengths and what families themselves want to change.</p>"
                "<h2>Some key ideas</h2>"
                "<ul><li><strong>Context</strong>: behaviour makes sense in its context.</li>"
                "<li><strong>Patterns</strong>: look for what happens between people, not only inside them.</li>"
                "<li><strong>Curiosity</strong>: keep more than one idea about what is going on.</li>"
                "<li><strong>Difference and power</strong>: notice the differences between people, "
                "including between you and the family.</li>"
                "<li><strong>You are part of the system</strong>: how the family responds to you is "
                "part of the picture.</li></ul>"
            ),
            quote(
                "I stopped trying to work out who was to blame, and started asking what happened between them.",
                "A keyworker on the five-day CPD (fictional)",
            ),
        ],
        "related": ["genograms", "circular-questions", "hypothesising"],
    },
    {
        "type": "article",
        "slug": "using-tools-with-families-consent-and-records",
        "title": "Using the tools with families: consent, records and sharing",
        "summary": "Guidance on asking permission, keeping genograms and ecomaps in case records, "
        "and what not to upload to the hub.",
        "kind": Kind.READING,
        "topics": ["working"],
        "body": [
            text(
                "<h2>Ask first</h2>"
                "<p>Explain what a tool is for before you use it, and ask the family's permission. "
                "Make it easy to say no, or to stop part way.</p>"
                "<h2>Keep drawings with the case record</h2>"
                "<p>A genogram or ecomap drawn with a family holds personal, sometimes sensitive, "
                "information about people who are not your clients. Store it in your local "
                "authority's case recording system, following your local policy, and offer the "
                "family a copy.</p>"
                "<h2>Never upload family information to the hub</h2>"
                "<p>The hub is for learning. Do not upload photographs of genograms, questionnaires "
                "or anything else that identifies a family. When you discuss a family in the forum or "
                "a reflective session, change or leave out identifying details.</p>"
            ),
            callout(
                "If in doubt",
                "<p>Ask your LA lead or your information governance team before sharing anything "
                "about a family outside your case system.</p>",
                "important",
            ),
            try_this(
                [
                    "Next time you offer a tool, explain it in one sentence a ten-year-old would understand.",
                    "Ask: “Would you like to do this? You can stop whenever you like.”",
                    "At the end, ask what it was like, and whether they would like a copy.",
                ],
                reflect="What helped the family decide? What might have made it harder to say no?",
            ),
        ],
        "related": ["genograms", "ecomaps"],
    },
    {
        "type": "article",
        "slug": "score-15-record-sheet",
        "title": "SCORE-15 record sheet",
        "summary": "A template for recording when SCORE-15 was completed, by whom, and the scores.",
        "kind": Kind.TEMPLATE,
        "topics": ["measures"],
        "body": [
            text(
                "<p>Use this sheet to keep track of SCORE-15 across a piece of work. It records the "
                "dates and scores only, not the questionnaire itself (get that from AFT).</p>"
            ),
            download("score15-record", "SCORE-15 record sheet"),
        ],
        "related": ["score-15"],
    },
    {
        "type": "article",
        "slug": "running-group-reflective-sessions",
        "title": "Running monthly group reflective sessions: notes for practitioners",
        "summary": "For systemic practitioners: a simple structure for the monthly group reflective "
        "session, and how to keep it safe and useful.",
        "kind": Kind.READING,
        "audience": Audience.PRACTITIONERS,
        "topics": ["reflecting"],
        "body": [
            text(
                "<p>Monthly group reflective sessions are one of the pilot's core activities. A "
                "simple, predictable structure helps keyworkers use them well.</p>"
                "<h2>A structure for 90 minutes</h2>"
                "<ol><li><strong>Arrival and agreements</strong> (10 minutes): confidentiality, "
                "no identifying details, everyone may pass.</li>"
                "<li><strong>Presenting</strong> (15 minutes): one keyworker describes a situation "
                "and what they would like help thinking about.</li>"
                "<li><strong>Questions</strong> (15 minutes): the group asks curious questions only, "
                "no advice.</li>"
                "<li><strong>Reflecting</strong> (20 minutes): the presenter listens while the group "
                "reflects, tentatively, as in a reflecting team.</li>"
                "<li><strong>Response</strong> (10 minutes): the presenter says what was useful.</li>"
                "<li><strong>Linking to the tools</strong> (15 minutes): which tool from the library "
                "might help next?</li>"
                "<li><strong>Close</strong> (5 minutes).</li></ol>"
            ),
            callout(
                "Recording attendance",
                "<p>Mark who attended in the hub after each session: it feeds the fidelity dashboard.</p>",
                "tip",
            ),
        ],
        "related": ["reflecting-teams", "hypothesising"],
    },
    {
        "type": "article",
        "slug": "tutor-notes-five-day-cpd",
        "title": "Tutor notes: delivering the five-day CPD",
        "summary": "For IFT tutors and the delivery lead: what each day must cover, and how to "
        "keep delivery consistent across the six local authorities.",
        "kind": Kind.READING,
        "audience": Audience.IFT,
        "topics": ["cpd"],
        "body": [
            text(
                "<p>The pilot's evaluation depends on every treatment local authority receiving the "
                "same core training. These notes set out what is fixed and what tutors may adapt.</p>"
                "<h2>Fixed in every delivery</h2>"
                "<ul><li>The five days' themes and the tools introduced on each day.</li>"
                "<li>Practising at least one tool on each day, in pairs or threes.</li>"
                "<li>Taking the register on the hub on the day, including catch-up sessions.</li></ul>"
                "<h2>Open to adaptation</h2>"
                "<ul><li>Examples and case material, to fit the local authority.</li>"
                "<li>The order of exercises within a day.</li></ul>"
                "<h2>Contamination</h2>"
                "<p>Do not share materials with staff of control local authorities during the "
                "pilot, and tell the delivery lead if you are asked to.</p>"
            ),
        ],
        "related": [],
    },
]


def _sentence(words: str) -> str:
    return words[:1].upper() + words[1:]


def cpd_days() -> list[dict]:
    """The five-day CPD's training materials (days 1 to 5)."""
    tools_by_day = {
        1: (["genograms", "introduction-to-systemic-practice"], "relationships"),
        2: (["hypothesising", "circular-questions"], "curiosity"),
        3: (["social-ggrraaacceeesss", "domains-model"], "difference"),
        4: (["safe-uncertainty", "cmm-hierarchy-of-contexts"], "risk"),
        5: (["reflecting-teams", "ecomaps", "score-15"], "reflecting"),
    }
    pages = []
    for day, (theme, points) in CPD_HANDOUTS.items():
        tools, topic = tools_by_day[day]
        pages.append(
            {
                "type": "training",
                "slug": f"five-day-cpd-day-{day}",
                "title": f"Five-day CPD, day {day}: {theme}",
                "summary": f"Pre-reading, the handout and follow-up exercises for day {day} of the "
                f"five-day CPD: {theme.lower()}.",
                "course": Course.CPD5,
                "day": day,
                "topics": ["cpd", topic],
                "pre_reading": [
                    text(
                        "<p>Before the day, read these pages from the library (about 20 minutes), "
                        "and bring a question you would like to ask.</p>"
                    ),
                    related(*tools, heading="Read before the day"),
                ],
                "session": [
                    text(
                        f"<p>The day's key points, to keep:</p><ul>{''.join(f'<li>{p}</li>' for p in points)}</ul>"
                    ),
                    download(
                        f"cpd-day-{day}", f"Day {day} handout", "The key points of the day, on one page."
                    ),
                ],
                "follow_up": [
                    try_this(
                        [_sentence(points[-1].split(": ", 1)[-1])],
                        reflect="Bring what you noticed to your next reflective session.",
                        title="Try it in practice",
                    ),
                ],
            }
        )
    return pages


AUDIENCE_SAMPLES: list[dict] = [
    {
        "type": "training",
        "slug": "champions-course-day-1",
        "title": "Champions course, day 1: the systemic champion's role",
        "summary": "For systemic champions: what the role involves, and how champions support "
        "systemic practice in their teams.",
        "course": Course.CHAMPIONS,
        "day": 1,
        "audience": Audience.CHAMPIONS,
        "topics": ["working"],
        "pre_reading": [
            text(
                "<p>Think of a time a colleague helped you think differently about a family. What "
                "did they do? Bring the example to day 1.</p>"
            ),
        ],
        "session": [
            text(
                "<p>Champions are keyworkers who keep systemic practice alive in their teams "
                "between training and supervision: modelling the tools, encouraging colleagues "
                "to bring families to reflective sessions, and linking with the systemic practitioner.</p>"
            ),
        ],
        "follow_up": [
            try_this(
                ["Offer to draw a genogram with a colleague about one of their families."],
                reflect="What was it like to be the one offering the tool?",
                title="After the day",
            ),
        ],
    },
    {
        "type": "training",
        "slug": "post-pilot-cpd-day-1",
        "title": "Post-pilot CPD, day 1: an introduction to systemic practice",
        "summary": "Material for the two-day CPD offered to all local authorities' keyworkers "
        "once the pilot has ended.",
        "course": Course.POSTPILOT,
        "day": 1,
        "audience": Audience.EVERYONE,
        "topics": ["working"],
        "pre_reading": [
            text(
                "<p>Welcome to the two-day CPD in systemic practice. Before the first day, think "
                "about a family you work with where you feel stuck, and who is in that family's life.</p>"
            ),
        ],
        "session": [
            text(
                "<p>Day 1 introduces the main ideas of systemic practice (context, patterns, "
                "curiosity) and two tools: genograms and circular questions.</p>"
            ),
        ],
        "follow_up": [
            try_this(
                ["Ask a family: “Who would be most surprised if things got better?”"],
                reflect="What did the answer tell you about the family's relationships?",
                title="After the day",
            ),
        ],
    },
]


def all_pages() -> list[dict]:
    return PAGES + cpd_days() + AUDIENCE_SAMPLES


def documents() -> dict[str, tuple[str, str, bytes]]:
    """key -> (title, file name, contents) for every file the library starts with."""
    from resources import generated

    made = {
        "genogram-template": generated.genogram_template_pdf(),
        "ecomap-template": generated.ecomap_template_pdf(),
        "circular-questions-card": generated.docx(
            "Circular questions prompt card",
            [
                (
                    "p",
                    "Examples of each kind of question (after Karl Tomm). Change the words to fit the family.",
                ),
                ("h", "Lineal: to find out facts"),
                ("p", "What is the problem? When did it start? How often does it happen?"),
                ("h", "Circular: to explore patterns"),
                ("p", "Who is most worried about this? Who next? Who least?"),
                ("p", "When Dad and Jack argue, what does Mum do? What happens then?"),
                ("p", "What is different in the family since Nan moved in?"),
                ("h", "Strategic: to steer (use sparingly)"),
                ("p", "What would happen if you tried saying it calmly next time?"),
                ("h", "Reflexive: to open new thinking"),
                ("p", "If things were better in six months, who would notice first?"),
                ("p", "What would your grandad have said about this?"),
                ("p", "Suppose the arguments stopped: what would you do with the time?"),
            ],
        ),
        "hypothesis-worksheet": generated.docx(
            "Hypothesising worksheet",
            [
                ("line", "Family (initials only):"),
                ("line", "Date:"),
                ("p", "Write three different ideas about what might be going on. Include everyone, you too."),
                ("q", "Hypothesis 1:"),
                ("q", "Questions it suggests:"),
                ("q", "Hypothesis 2:"),
                ("q", "Questions it suggests:"),
                ("q", "Hypothesis 3:"),
                ("q", "Questions it suggests:"),
                ("q", "After the visit: which was most useful, and what is new?"),
            ],
        ),
        "score15-record": generated.docx(
            "SCORE-15 record sheet",
            [
                (
                    "p",
                    "Record each time SCORE-15 is completed. Use the questionnaire and scoring guidance from AFT.",
                ),
                ("line", "Family (initials only):"),
                ("h", "First time"),
                ("line", "Date:"),
                ("line", "Completed by (role in family, age):"),
                ("line", "Scores:"),
                ("h", "Second time"),
                ("line", "Date:"),
                ("line", "Completed by (role in family, age):"),
                ("line", "Scores:"),
                ("q", "What the family said about the differences:"),
            ],
        ),
    }
    for day, (theme, points) in CPD_HANDOUTS.items():
        made[f"cpd-day-{day}"] = generated.handout_pdf(f"Five-day CPD, day {day}", theme, points)
    return {key: (title, filename, made[key]) for key, (title, filename) in DOCUMENTS.items()}
