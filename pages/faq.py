"""The questions and answers of /faq/, kept as data so the page and its FAQPage JSON-LD say the same words."""

from dataclasses import dataclass

from django.urls import reverse


@dataclass(frozen=True)
class Question:
    question: str
    answer: tuple[str, ...]  # paragraphs of plain text
    more_page: str = ""  # the name of a page that says more, shown as a link after the answer
    more_text: str = ""

    @property
    def answer_text(self) -> str:
        return " ".join(self.answer)

    @property
    def more_url(self) -> str:
        return reverse(f"pages:{self.more_page}") if self.more_page else ""


@dataclass(frozen=True)
class Group:
    heading: str
    questions: tuple[Question, ...]


FAQ_GROUPS = (
    Group(
        heading="Tapering",
        questions=(
            Question(
                question="How long does a taper take?",
                answer=(
                    "There is no set timeline. The 2025 joint guideline on benzodiazepine tapering says a taper "
                    "can take a few months, or a year or more, depending on the person.",
                    "It tends to take longer after a high dose or many years of use, but people differ, and your "
                    "pace follows how you respond to each step, not a date on a calendar.",
                ),
                more_page="our_approach",
                more_text="How we plan a taper",
            ),
            Question(
                question="Will I feel worse while I taper?",
                answer=(
                    "Some people have withdrawal symptoms during a taper, often in the days after a dose step, "
                    "and others notice very little. Nobody can say in advance how it will feel for you.",
                    "Small steps, time between them and the option to pause are there to keep symptoms as "
                    "manageable as possible. If a step feels too hard, tell us, and we can slow down.",
                ),
                more_page="withdrawal_symptoms",
                more_text="Withdrawal symptoms and their timing",
            ),
            Question(
                question="My doctor wants me to stop quickly. What should I do?",
                answer=(
                    "Please don't stop or cut down faster on your own, and tell your prescriber the plan feels too "
                    "fast. The 2025 guideline says a taper should usually start with cuts of 5–10% every 2–4 "
                    "weeks, and not usually go faster than 25% every 2 weeks. You can bring it and the FDA's 2020 "
                    "warning to ask for a slower plan.",
                    "Tell us the date your medicine will run out when you call or ask for a call-back, so that we "
                    "can talk before then.",
                ),
                more_page="staying_safe",
                more_text="If you are told to stop quickly",
            ),
            Question(
                question="What if I want to pause the taper?",
                answer=(
                    "You can. The pace is agreed together, and staying at the same dose for a while until you "
                    "feel steadier is a normal part of many tapers. The 2025 guideline recommends adjusting the "
                    "pace to how each person responds.",
                ),
            ),
            Question(
                question="Can I go back up a dose if a step is too hard?",
                answer=(
                    "Please talk to us or your prescriber first, rather than changing the dose yourself. Most of "
                    "the time a pause at the current dose is enough, and in some cases a prescriber may suggest "
                    "going back to the previous dose for a while.",
                ),
            ),
            Question(
                question="Should I switch to diazepam before I taper?",
                answer=(
                    "Some people do and some don't. The Ashton Manual describes switching people from a "
                    "shorter-acting medicine to diazepam, which leaves the body slowly and comes in small "
                    "tablet sizes, but it is not right for everyone.",
                    "A switch is a medical decision for you and your prescriber, so please don't switch on your own.",
                ),
                more_page="benzodiazepines",
                more_text="The benzodiazepines and how they compare",
            ),
            Question(
                question="I have only taken it for a few weeks. Can I just stop?",
                answer=(
                    "Please ask your prescriber before you stop. ASAM's 2025 patient guide on tapering says that "
                    "nearly everyone who takes a benzodiazepine regularly for more than a month becomes "
                    "physically dependent. The 2025 guideline adds that dependence can start within weeks, and "
                    "nobody can predict who will have a hard withdrawal.",
                ),
            ),
            Question(
                question="What is protracted withdrawal?",
                answer=(
                    "It is the name for withdrawal symptoms that go on for a long time after a taper or a stop. "
                    "The FDA's 2020 warning says that, for some people, symptoms can last from weeks to more than "
                    "12 months. If this happens to you, support can help while your nervous system recovers.",
                ),
                more_page="withdrawal_symptoms",
                more_text="More about withdrawal",
            ),
        ),
    ),
    Group(
        heading="Daily life during a taper",
        questions=(
            Question(
                question="Can I keep working while I taper?",
                answer=(
                    "Many people keep working during a taper. It helps to tell us about your job, so that dose "
                    "steps can be planned around busy or demanding times, and so that you can slow down if "
                    "sleep or concentration suffer.",
                ),
            ),
            Question(
                question="Can I drive while I taper?",
                answer=(
                    "Benzodiazepines can slow your reactions, and withdrawal can affect your sleep and "
                    "concentration. Until you know how a dose affects you, please don't drive, and ask your "
                    "prescriber whether driving is safe for you at each stage.",
                ),
                more_page="staying_safe",
                more_text="Staying safe while you taper",
            ),
            Question(
                question="Can I drink alcohol while I take a benzodiazepine?",
                answer=(
                    "No. Please don't drink alcohol while you take a benzodiazepine. Alcohol and benzodiazepines "
                    "both slow breathing, and together they can be dangerous. Opioids do the same, which the FDA "
                    "warned about in 2016, and so do other medicines that make you sleepy.",
                ),
                more_page="staying_safe",
                more_text="Why mixing is risky",
            ),
            Question(
                question="I am pregnant or breastfeeding. What should I do?",
                answer=(
                    "Please don't stop your medicine suddenly. Talk to your prescriber as soon as you can, and, "
                    "if you are pregnant, to the person who looks after your pregnancy, so that they can plan the "
                    "next steps with you.",
                ),
                more_page="staying_safe",
                more_text="Pregnancy and other situations",
            ),
        ),
    ),
    Group(
        heading="Who we can help",
        questions=(
            Question(
                question="My medicine is not on your list. Can you still help?",
                answer=(
                    "Our list shows eight common benzodiazepines, but there are others. Tell us the name of your "
                    "medicine when we talk, and we will tell you honestly whether we are the right people to "
                    "help.",
                ),
            ),
            Question(
                question="I have already stopped. Can you help?",
                answer=(
                    "Go to the emergency department now if you stopped a high daily dose in the last few days, "
                    "if you have had a withdrawal seizure before, or if you have bad shaking, confusion, severe "
                    "anxiety or no sleep at all. Call 911 for a seizure. Urgent care can't watch over you for "
                    "long enough, and a pharmacist can't give you more without your prescriber.",
                    "Otherwise, contact your prescriber today, and don't restart or double up on your own.",
                    "If you stopped some time ago and still have symptoms, you are welcome to ask us for a "
                    "call-back to talk about support.",
                ),
                more_page="staying_safe",
                more_text="If you have stopped, missed doses or run out",
            ),
            Question(
                question="Do you treat addiction too?",
                answer=(
                    "Our focus is helping people who are physically dependent on a prescribed benzodiazepine. "
                    "If you also have signs of addiction, please tell us: we will talk honestly about whether we "
                    "are the right fit, and if we are not, we will try to point you to a service that is.",
                ),
                more_page="dependence_vs_addiction",
                more_text="Dependence and addiction",
            ),
            Question(
                question="Who can't you help?",
                answer=(
                    "We are an outpatient clinic, not an emergency service, and we don't offer rapid detox or "
                    "overnight stays. If you need care that we don't provide, we will say so and try to help "
                    "you find it.",
                    "The 2025 guideline says a stay in a hospital or inpatient unit is the right choice for some "
                    "people: those at risk of serious harm right now, those with other conditions that can't be "
                    "managed safely as an outpatient, such as an alcohol use disorder, and those with severe or "
                    "complicated withdrawal.",
                ),
                more_page="why_not_traditional_rehab",
                more_text="When inpatient care is the right choice",
            ),
            Question(
                question="Do you help with sleeping pills like zolpidem (Ambien)?",
                answer=(
                    "Zolpidem, zopiclone and eszopiclone are often called Z-drugs. They are not "
                    "benzodiazepines, but they act on the brain in the same way, and the body can come to rely "
                    "on them too. Please don't stop one suddenly, and ask us when we talk whether we can help.",
                ),
            ),
            Question(
                question="Do I need a referral?",
                answer=(
                    "You don't need a referral to ask us for a call-back. Some insurance plans ask for one "
                    "before they pay for specialist care, so check with your insurer, and ask us when we talk.",
                ),
                more_page="costs_and_insurance",
                more_text="Costs and insurance",
            ),
            Question(
                question="Will you take over my prescription?",
                answer=(
                    "Not always. Many people keep their current prescriber, and with your consent we work "
                    "alongside them and share records. Who prescribes during the taper is agreed with you, and "
                    "with your prescriber, at the start.",
                ),
                more_page="what_to_expect",
                more_text="What to expect",
            ),
        ),
    ),
    Group(
        heading="Contacting us and costs",
        questions=(
            Question(
                question="Is my request private?",
                answer=(
                    "Yes. The call-back form asks only for what we need to reach you, and it never asks about "
                    "your medicine, your dose or your insurance. Only our staff can see your request, and our "
                    "privacy notice says how long we keep it.",
                ),
                more_page="privacy",
                more_text="Our privacy notice",
            ),
            Question(
                question="What happens if I miss your call?",
                answer=(
                    "We try again later. We only leave a voicemail if you told us we may, and even then we don't "
                    "say what the call is about. You are also welcome to call us yourself during our opening "
                    "hours.",
                ),
                more_page="what_to_expect",
                more_text="What happens on the call",
            ),
            Question(
                question="Can I ask you to call someone I care about?",
                answer=(
                    "Yes, you can fill in the form for someone else. When we call, we will want to speak with "
                    "the person themselves, because decisions about their care are theirs to make.",
                ),
                more_page="for_families",
                more_text="For families and friends",
            ),
            Question(
                question="What does it cost?",
                answer=(
                    "The first call commits you to nothing. What an assessment and ongoing care cost, and which "
                    "insurance plans we accept, are on our costs page, or you can ask us when we talk.",
                ),
                more_page="costs_and_insurance",
                more_text="Costs and insurance",
            ),
        ),
    ),
)

QUESTIONS = tuple(question for group in FAQ_GROUPS for question in group.questions)
