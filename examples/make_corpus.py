#!/usr/bin/env python3
"""Build the small example news corpus and its ground truth.

Writes ``corpus.jsonl`` (one article per line) and ``planted.json`` (the
reuse relations planted in it) next to this script.  Standard library only
and fully deterministic: running it twice produces byte-identical files.

All article text below is fictional and was written for this example.
Every character offset in ``planted.json`` is computed here with
``str.find`` on the exact strings that were assembled, and the build
checks itself before writing anything (see ``check``).
"""

from __future__ import annotations

import difflib
import json
import re
from collections import defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent

PARA = "\n\n"


# ---------------------------------------------------------------------------
# Original stories (each a list of paragraphs)
# ---------------------------------------------------------------------------

ORIGINALS: dict[str, dict] = {
    "port": {
        "site": "harbourgazette.example",
        "date": "2025-03-03",
        "title": "Dockworkers at Carrow port walk out over shift rota changes",
        "author": "Ellen Brooke",
        "paras": [
            "Around four hundred dockworkers at the Port of Carrow stopped work at dawn on Monday, "
            "leaving container cranes idle and a queue of freight vessels anchored beyond the breakwater. "
            "The stoppage follows six weeks of failed talks between the Harbour Workers Union and Carrow "
            "Terminal Operations over a proposed twelve-hour rotating shift pattern.",
            "Union organiser Teresa Malone told reporters outside the south gate that members had voted "
            "by a margin of nine to one to strike after management refused to withdraw the rota. "
            "She argued that longer shifts would raise fatigue among crane drivers and lashers, who already "
            "work through winter storms on exposed quays with little shelter.",
            "Carrow Terminal Operations said in a written statement that the new pattern was needed to handle "
            "larger ships arriving from Asian routes without adding overnight berthing delays. "
            "The company insisted that total weekly hours would stay unchanged and offered a one-off payment "
            "of eight hundred pounds to every employee who accepted the revised contract.",
            "Freight forwarders warned that perishable cargo, including fruit shipments from Spain and Morocco, "
            "could spoil within days if refrigerated containers remain stranded on the dock. "
            "Several hauliers diverted lorries to the smaller terminal at Bellhaven, although that facility "
            "lacks the lifting equipment needed for the heaviest boxes.",
            "A conciliation service has invited both sides to meet on Thursday, and the union has said pickets "
            "will stay in place at least until that meeting concludes.",
        ],
    },
    "budget": {
        "site": "dailyledger.example",
        "date": "2025-03-05",
        "title": "Westmere council approves budget with library cuts and higher parking fees",
        "author": "Martin Okafor",
        "paras": [
            "Westmere city council approved a budget of 612 million pounds late on Tuesday evening after a "
            "five-hour session marked by heckling from the public gallery. "
            "The spending plan closes a projected deficit of nineteen million by trimming library opening hours, "
            "raising parking charges and delaying two road resurfacing schemes until next spring.",
            "Finance chair Rupert Anand defended the package as the least painful option available, noting that "
            "grants from central government have fallen in real terms for eight consecutive years. "
            "He told councillors that protecting adult social care and school transport had been the priority, "
            "since those services support the most vulnerable households in the district.",
            "Opposition members proposed an amendment to fund libraries by selling a disused depot on Canal "
            "Street, but the motion was defeated by thirty-one votes to twenty-four. "
            "Librarian Grace Whitfield, who spoke during the public session, said reduced hours would hit pupils "
            "who rely on branch computers to finish homework after school.",
            "Under the approved plan, on-street parking in the town centre will rise from two pounds to two "
            "pounds eighty per hour from the first of May. "
            "Council tax for a typical band D property will increase by 4.9 per cent, the maximum permitted "
            "without holding a local referendum.",
        ],
    },
    "flood": {
        "site": "rivertownpost.example",
        "date": "2025-03-07",
        "title": "Severe flood warning issued for the lower Tarrin valley",
        "author": "Joanna Pike",
        "paras": [
            "The Environment Agency issued a severe flood warning for villages along the lower Tarrin on Friday, "
            "cautioning that river levels could exceed records set during the winter of 2014. "
            "Forecasters expect another forty millimetres of rain over the weekend to fall on hillsides already "
            "saturated by the wettest February since local gauges were installed.",
            "Residents of Ashby Mill, Lower Fenton and Corley were told to move valuables upstairs, switch off "
            "mains electricity if water enters their homes, and prepare to leave at short notice. "
            "Emergency shelters have opened at Fenton leisure centre and the parish hall in Corley, each stocked "
            "with camp beds, blankets and hot food supplied by volunteers.",
            "Duty flood manager Owen Pritchard said temporary barriers were being erected along the embankment "
            "at Ashby Mill, where the river overtopped its banks twice during storms last January. "
            "He urged drivers not to attempt crossing the ford at Hollin Lane, explaining that just thirty "
            "centimetres of fast-moving water can float an ordinary family car.",
            "Network operators have placed generators near two electricity substations close to the river, and "
            "the county council has suspended bin collections in the affected parishes until Monday. "
            "Updates will be posted every three hours, and anyone needing help evacuating elderly relatives can "
            "contact the county emergency line, which remains staffed overnight.",
        ],
    },
    "layoffs": {
        "site": "metrochronicle.example",
        "date": "2025-03-10",
        "title": "Software firm Lumarch to cut 1,200 jobs as cloud growth slows",
        "author": "Sofia Lindqvist",
        "paras": [
            "Lumarch Systems, the Westmere-based maker of accounting software, announced on Monday that it will "
            "eliminate about 1,200 positions, roughly fourteen per cent of its global workforce. "
            "Chief executive Dana Kowalczyk wrote in an email to staff that subscription revenue from its cloud "
            "platform had grown more slowly than forecast during the last two quarters.",
            "The cuts will fall mostly on sales, marketing and middle management, while engineering teams "
            "working on artificial intelligence features will be spared and may even expand. "
            "Departing employees will receive sixteen weeks of pay plus one additional week for every year of "
            "service, along with six months of continued health coverage.",
            "Shares in Lumarch rose nearly seven per cent in early trading, as investors welcomed a plan the "
            "company says will save 210 million dollars annually from next year. "
            "Analyst Priya Sandhu at Corvane Securities noted that rival vendors have already trimmed staff, and "
            "said the market had been waiting for Lumarch to tighten its spending.",
            "Staff at the firm's customer support centre in Dunmore learned of the decision through a video call, "
            "according to two employees who asked not to be named. "
            "One described the mood in the office as stunned, adding that several colleagues had relocated from "
            "abroad within the past year to join the company.",
        ],
    },
    "transfer": {
        "site": "harbourgazette.example",
        "date": "2025-03-12",
        "title": "Carrow Athletic sign striker Mateo Ferreira in club record deal",
        "author": "Danny Rourke",
        "paras": [
            "Carrow Athletic have completed the signing of Portuguese striker Mateo Ferreira from Vitoria Norte "
            "for a fee believed to be around eighteen million euros, a record for the club. "
            "The twenty-four-year-old scored twenty-one league goals last season and has signed a five-year "
            "contract with an option to extend for a further twelve months.",
            "Manager Callum Byrne said he had tracked Ferreira for two years and believed his pace behind "
            "defenders would give the team a sharper edge on the counter-attack. "
            "The forward passed a medical at the training ground in Oakbridge on Wednesday morning before posing "
            "for photographs in a home shirt bearing the number nine.",
            "Supporters gathered outside the stadium ticket office after the announcement, and the club reported "
            "that replica shirts with his name had sold out online within three hours. "
            "Athletic sit eleventh in the table and have scored fewer goals than any side in the top half, a "
            "weakness Byrne has repeatedly acknowledged in interviews.",
            "Ferreira could make his debut against Hallam Rovers on Saturday, provided international clearance "
            "arrives in time from the Portuguese football federation.",
        ],
    },
    "vaccine": {
        "site": "northernwire.example",
        "date": "2025-03-13",
        "title": "Late-stage trial of nasal RSV vaccine reports strong protection in older adults",
        "author": "Northern Wire health desk",
        "paras": [
            "A nasal spray vaccine against respiratory syncytial virus cut hospital admissions among adults over "
            "sixty-five by seventy-eight per cent in a large late-stage trial, researchers reported on Thursday. "
            "The study enrolled 14,300 volunteers at forty clinics across four countries and followed them "
            "through a full winter season, when the virus circulates most widely.",
            "Participants received either two doses of the spray, developed by the biotech company Nerevia, or a "
            "saline placebo, with neither patients nor doctors knowing which they had been given. "
            "The most common side effects were a runny nose and mild headache lasting a day or two, and no "
            "serious safety concerns were identified by the independent monitoring board.",
            "Lead investigator Helen Osei of Brackley University said the needle-free format could make "
            "vaccination easier in care homes, where staff shortages often delay immunisation campaigns. "
            "She cautioned that protection beyond a single season has not yet been measured, and that a "
            "follow-up study tracking antibody levels for three years is now under way.",
            "Nerevia plans to submit the results to medicines regulators in Europe and North America before the "
            "summer, seeking approval in time for the following autumn. "
            "Independent experts welcomed the findings but noted that the trial included relatively few "
            "participants over eighty, the age group most likely to die from the infection.",
        ],
    },
    "court": {
        "site": "civicobserver.example",
        "date": "2025-03-14",
        "title": "High Court rules quarry expansion unlawful after challenge by villagers",
        "author": "Harriet Vance",
        "paras": [
            "The High Court has quashed planning permission for a major expansion of Greystone quarry, ruling "
            "that the county council failed to assess the impact on a protected wetland downstream. "
            "Justice Miriam Ellery found that officers had relied on a drainage survey that was more than ten "
            "years old and did not reflect recent changes to groundwater flows.",
            "The challenge was brought by the Keld Valley Action Group, a residents' association from three "
            "villages near the site, who funded the case through local donations and a crowdfunding appeal. "
            "Their barrister argued that blasting and dewatering could lower the water table beneath Marram Fen, "
            "a habitat for breeding waders and several rare species of dragonfly.",
            "In her judgment the judge wrote that decision-makers must weigh current evidence, and that an "
            "out-of-date survey could not lawfully stand in for a fresh hydrological assessment. "
            "She ordered the council to pay the group's legal costs, which are estimated at about ninety "
            "thousand pounds in total.",
            "Stonecraft Aggregates, which operates the quarry, said it was disappointed and was considering an "
            "appeal, adding that the expansion would have secured sixty jobs for at least fifteen years. "
            "The council may now reconsider the application, but only after commissioning new studies of the "
            "fen and holding a fresh public consultation.",
        ],
    },
    "debate": {
        "site": "dailyledger.example",
        "date": "2025-03-13",
        "title": "Mayoral candidates clash over housing and transport in first televised debate",
        "author": "Priti Malhotra",
        "paras": [
            "The three leading candidates for mayor of Westmere sparred over housing costs, bus services and "
            "police numbers during the first televised debate of the campaign on Wednesday night. "
            "Polls suggest a close contest between the Progress Party's Fiona Drummond and Martin Hale of the "
            "Heritage League, with independent councillor Yusuf Adeyemi trailing in third place.",
            "Drummond pledged to build three thousand affordable homes on council land within four years, funded "
            "partly by borrowing against future rental income from the new properties. "
            "Hale dismissed the target as unrealistic and promised instead to speed up planning approvals for "
            "private developers, arguing that red tape was the main obstacle to construction.",
            "Adeyemi drew the loudest applause from the studio audience when he proposed free evening bus travel "
            "for shift workers, paid for by a levy on large out-of-town car parks. "
            "Both of his rivals questioned the cost of the scheme, which he estimated at eleven million pounds a "
            "year, and asked how retailers would respond.",
            "On policing, all three candidates agreed that more officers should patrol the night-time economy, "
            "though they differed sharply on whether the mayor should set local crime targets. "
            "Two further debates are scheduled before voters go to the polls on the first Thursday in May, "
            "including one hosted by students at Westmere College.",
        ],
    },
    "wildfire": {
        "site": "northernwire.example",
        "date": "2025-03-16",
        "title": "Wildfire on Brenmoor forces evacuation of hillside hamlets",
        "author": "Northern Wire staff",
        "paras": [
            "A fast-moving wildfire on Brenmoor forced the evacuation of around ninety households on Saturday "
            "afternoon as strong easterly winds drove flames across dry heather and gorse. "
            "Fire crews from four stations were sent to the moor, supported by a helicopter dropping water "
            "collected from Linden reservoir several kilometres to the west.",
            "Group manager Nadia Holloway said the blaze had spread along a front nearly two kilometres wide, and "
            "that firefighters were struggling to reach remote slopes with heavy vehicles. "
            "She asked the public to stay away from the area, warning that parked cars on narrow lanes had "
            "already blocked access for tankers on two occasions.",
            "Residents of Thorn End and High Brenn spent the night at a community centre in Lowford, where the "
            "local bakery delivered bread and the pub donated hot soup. "
            "Farmer Gareth Lowe said he had moved his sheep to lower fields before the fire reached his boundary "
            "wall, but lost a barn containing winter feed.",
            "Investigators believe the fire may have started from a disposable barbecue left near a popular "
            "walking trail, although the cause has not been officially confirmed. "
            "Landowners have called for a ban on open fires across the moor during dry spells, a measure already "
            "in force on several national park estates.",
        ],
    },
    "museum": {
        "site": "metrochronicle.example",
        "date": "2025-03-17",
        "title": "Ravensholm Museum reopens after four-year restoration",
        "author": "Colin Ashworth",
        "paras": [
            "The Ravensholm Museum of Industry reopened its doors on Sunday after a four-year restoration that "
            "cost twenty-three million pounds and rescued a Victorian engine house from collapse. "
            "More than three thousand visitors queued along Mill Road before the ribbon was cut by apprentices "
            "from the engineering college that shares the old factory site.",
            "Director Lucinda Marsh said the building had been weeks from structural failure when surveyors "
            "inspected the roof trusses, which had been weakened by decades of leaking gutters. "
            "Conservators dismantled and catalogued more than eleven thousand bricks so that the chimney could "
            "be rebuilt using original materials wherever possible.",
            "The centrepiece is a restored beam engine that once pumped water from the nearby coal workings, now "
            "turning again under steam on the first weekend of each month. "
            "New galleries tell the stories of mill workers through letters, wage books and recorded interviews "
            "with former employees, several of whom attended the opening ceremony.",
            "Entry will remain free for children and local residents, while other adults will pay a modest charge "
            "that the trustees say is needed to cover heating and insurance. "
            "The project was funded by a heritage lottery grant, private donors and a public appeal that raised "
            "more than four hundred thousand pounds in small gifts.",
        ],
    },
    "rail": {
        "site": "rivertownpost.example",
        "date": "2025-03-18",
        "title": "New rail timetable brings faster trains but fewer stops for commuters",
        "author": "Tom Haverley",
        "paras": [
            "A revised rail timetable taking effect on the eighteenth of May will shorten journeys between "
            "Westmere and the capital by up to twelve minutes, the operator Midshire Trains announced. "
            "The gains come from running most express services non-stop through Harlow Cross and Pennock, two "
            "commuter towns that will lose their direct peak-hour connections.",
            "Passenger groups reacted angrily, saying residents of both towns will now face a change of train at "
            "Brindle Junction during the busiest part of the morning. "
            "Commuter representative Alan Murray called the plan a betrayal of people who moved to the area "
            "precisely because of its fast links to city offices.",
            "Midshire Trains argued that the revised schedule would ease overcrowding on longer routes and improve "
            "punctuality, which fell to seventy-one per cent of trains on time last year. "
            "The company has promised extra stopping services every half hour and said ticket prices for "
            "affected stations will be frozen until the end of the year.",
            "Local members of parliament have requested an urgent meeting with the operator and the transport "
            "ministry, seeking changes before the timetable is printed and published in April. "
            "Engineering work to lengthen platforms at Brindle Junction is due to finish next month, allowing "
            "twelve-carriage trains to call there for the first time.",
        ],
    },
    "rates": {
        "site": "civicobserver.example",
        "date": "2025-03-20",
        "title": "Central bank holds rates at 4.25 per cent but signals cuts ahead",
        "author": "Amira Haddad",
        "paras": [
            "The central bank kept its main interest rate unchanged at 4.25 per cent on Thursday, but the "
            "governor signalled that borrowing costs could fall before the end of summer. "
            "Seven members of the monetary policy committee voted to hold, while two backed an immediate "
            "reduction of a quarter of a percentage point.",
            "Governor Elspeth Crane told a press conference that inflation had eased to 2.8 per cent in February "
            "and was expected to approach the target of two per cent by autumn. "
            "She noted, however, that wage growth remained strong in services and that the committee wanted "
            "further evidence before it could be confident price pressures had faded.",
            "Mortgage lenders had largely anticipated the decision, and several banks trimmed their fixed-rate "
            "deals last week in expectation of looser policy later in the year. "
            "Homebuyers on variable deals will see no immediate change to monthly repayments, although brokers "
            "reported rising demand for two-year fixes over recent days.",
            "Sterling slipped against the dollar and euro after the announcement, while shares in housebuilders "
            "gained as traders increased bets on a June cut. "
            "Economist Robert Tan of Fairlane Capital said the governor's tone was the most dovish he had heard "
            "in eighteen months of committee statements.",
        ],
    },
}


# ---------------------------------------------------------------------------
# Controls: no reuse at all (four share a topic with an original)
# ---------------------------------------------------------------------------

CONTROLS: dict[str, dict] = {
    "ctl_port": {
        "site": "metrochronicle.example",
        "date": "2025-03-04",
        "title": "Picket lines form at Carrow docks as rota dispute escalates",
        "author": "Nina Castell",
        "paras": [
            "Lorries stood nose to tail on the approach road to Carrow's container terminal on Tuesday morning, "
            "the second day of a walkout by crane operators, lashers and yard staff. "
            "Pickets huddled around braziers at the entrance, holding placards that read fair shifts not "
            "fatigue, as drivers were turned back by terminal security.",
            "The dispute centres on a plan to move staff onto rotating twelve-hour duties, which bosses say are "
            "essential as bigger vessels call at the harbour. "
            "Workers interviewed on the picket line described missed family events, long commutes and the "
            "difficulty of arranging childcare around unpredictable rosters.",
            "A lasher with nineteen years' service said colleagues were not asking for more money, only for a "
            "timetable that lets them sleep at sensible hours. "
            "Shipping agents estimate that at least eleven vessels are waiting offshore, and one line has "
            "already rerouted a call to a continental hub.",
            "Business leaders in the town fear lasting damage if importers lose confidence in the docks, which "
            "handle a large share of the county's trade. "
            "Neither side has commented publicly on the prospects for a settlement, though both are expected to "
            "attend talks arranged by mediators later this week.",
        ],
    },
    "ctl_rates": {
        "site": "harbourgazette.example",
        "date": "2025-03-21",
        "title": "Rate hold leaves savers and borrowers waiting for relief",
        "author": "Gordon Felt",
        "paras": [
            "Borrowing costs will stay where they are for at least another six weeks after policymakers opted "
            "against a cut, though the language accompanying the decision pointed to easing soon. "
            "Two of the nine rate-setters wanted to move immediately, a split that economists read as evidence "
            "that the panel is edging toward a lower path.",
            "Savers who have enjoyed strong returns on easy-access accounts were warned by comparison sites that "
            "those rates are likely to be trimmed in the coming months. "
            "For households with tracker mortgages, nothing changes yet, and advisers suggest using the pause "
            "to review outgoings and build a cushion against unexpected bills.",
            "Retail groups had lobbied for a reduction, arguing that shoppers remain cautious and that high "
            "financing costs are discouraging spending on furniture, cars and home improvements. "
            "Manufacturers echoed that view, saying export orders have softened and investment plans are being "
            "postponed until the outlook becomes clearer.",
            "Currency traders marked the pound lower in the hours after the decision, and government bond "
            "yields dipped as markets priced in a reduction by midsummer. "
            "The next decision is due in early May, when officials will also publish updated forecasts for "
            "growth, unemployment and prices.",
        ],
    },
    "ctl_fire": {
        "site": "harbourgazette.example",
        "date": "2025-03-25",
        "title": "Gorse fire on Scarrow Head brought under control overnight",
        "author": "Ellen Brooke",
        "paras": [
            "A gorse fire that blackened much of Scarrow Head on Monday evening was brought under control "
            "overnight, with no injuries reported and no homes damaged. "
            "Coastguard teams closed the cliff path at both ends while firefighters beat out flames with hand "
            "tools on ground too steep for engines.",
            "Smoke drifted across the bay for several hours, and residents in the harbour cottages were advised "
            "to keep windows shut until the air cleared. "
            "Crews returned at first light to damp down hotspots among the peat, which can smoulder unseen for "
            "days before flaring up again.",
            "Rangers said the burned area covered roughly fifteen hectares, including part of a site where "
            "choughs had begun building nests in recent weeks. "
            "They expect the vegetation to recover within a few seasons, but warned that repeated fires can "
            "strip thin coastal soils and leave bare rock behind.",
            "The cause is being investigated, and the fire service has reminded visitors that sparks from "
            "camping stoves travel far in gusty conditions.",
        ],
    },
    "ctl_flu": {
        "site": "rivertownpost.example",
        "date": "2025-03-17",
        "title": "Flu jab uptake falls among care home staff, survey finds",
        "author": "Joanna Pike",
        "paras": [
            "Fewer than half of care home workers in the county received a flu vaccine this winter, according to "
            "a survey published by the regional public health team. "
            "The figure is down from almost sixty per cent two years ago, despite free jabs being offered at "
            "workplaces and local pharmacies throughout the autumn.",
            "Managers who responded to the survey blamed long shifts, agency staffing and a lingering distrust "
            "of vaccines that grew during the pandemic. "
            "Some homes reported that visiting nurses arrived on days when most permanent employees were off "
            "duty, leaving few people available to receive the injection.",
            "Public health director Samuel Achebe said low uptake among staff increases the risk of outbreaks, "
            "because residents are frail and often respond poorly to vaccination themselves. "
            "He plans to trial evening clinics and peer champions who can answer questions from colleagues in a "
            "relaxed setting rather than a formal briefing.",
            "Unions said employers should give paid time off for vaccination and cover travel costs, "
            "particularly for workers in rural homes far from any pharmacy.",
        ],
    },
    "ctl_choir": {
        "site": "dailyledger.example",
        "date": "2025-03-12",
        "title": "Riverside Primary choir wins national schools contest",
        "author": "Martin Okafor",
        "paras": [
            "A choir of thirty-two pupils from Riverside Primary in Westmere has won the national schools "
            "singing contest, beating more than two hundred entries from across the country. "
            "The children performed a folk arrangement written by their music teacher, Olivia Grant, at the "
            "final held in a concert hall packed with parents.",
            "Judges praised the group's clear diction and confident harmonies, singling out a ten-year-old "
            "soloist whose opening verse drew cheers from the audience. "
            "The school will receive five thousand pounds to spend on instruments, along with a visit from a "
            "professional ensemble later in the term.",
            "Headteacher Mark Ellison said the choir rehearsed during lunch breaks for six months and that "
            "several members had never sung in public before joining. "
            "Parents organised cake sales and a sponsored walk to cover coach travel to the final, raising more "
            "than the target within a fortnight.",
            "The pupils have been invited to perform at the city's summer festival, and the school hopes to "
            "record an album for charity.",
        ],
    },
    "ctl_cycle": {
        "site": "metrochronicle.example",
        "date": "2025-03-14",
        "title": "Protected cycle lane opens on Harbour Road after long delays",
        "author": "Nina Castell",
        "paras": [
            "A two-way protected cycle lane along Harbour Road opened to riders on Friday, eighteen months later "
            "than planned because of disputes over loading bays. "
            "The route links the railway station with the seafront promenade and is separated from traffic by "
            "raised kerbs and planters filled with hardy shrubs.",
            "Cycling campaigners welcomed the scheme, saying the road had been among the most dangerous in town "
            "for riders, with eleven collisions recorded over three years. "
            "Some shopkeepers remain unhappy about reduced parking outside their premises and claim that "
            "footfall dropped sharply while construction was going on.",
            "Highways officers said loading will now be permitted in marked bays before ten each morning, a "
            "compromise reached after months of meetings with traders. "
            "Early counts suggest several hundred cyclists used the lane on its first afternoon, many of them "
            "families heading toward the beach in bright sunshine.",
            "The council intends to extend the route westward to the university campus next year, subject to "
            "approval of a regional transport grant.",
        ],
    },
    "ctl_bridge": {
        "site": "northernwire.example",
        "date": "2025-03-18",
        "title": "Historic swing bridge at Kelsey Quay to close for six months",
        "author": "Northern Wire staff",
        "paras": [
            "The Victorian swing bridge across the Tarrin at Kelsey Quay will close to vehicles from June for six "
            "months while engineers replace corroded steelwork and the turning mechanism. "
            "Pedestrians will be able to cross on a temporary walkway fixed to the downstream side, except for "
            "three weekends when heavy lifting takes place.",
            "Drivers face a diversion of about four miles via the ring road, and bus routes serving the quay will "
            "be rerouted for the duration of the work. "
            "Engineers discovered the extent of the corrosion during a routine inspection last autumn, when "
            "sections of the deck were found to be thinner than expected.",
            "The bridge still swings open several times each summer to let tall ships reach the old harbour, and "
            "the repairs should allow that tradition to continue. "
            "Local historian Brenda Cole said the structure had survived wartime bombing and two major floods, "
            "and deserved careful treatment rather than replacement.",
            "The project will cost around six million pounds, shared between the highways authority and a "
            "national fund for historic transport structures.",
        ],
    },
    "ctl_books": {
        "site": "civicobserver.example",
        "date": "2025-03-26",
        "title": "Lantern Book Festival expands to three venues this autumn",
        "author": "Harriet Vance",
        "paras": [
            "Organisers of the Lantern Book Festival have announced that this year's event will spread across "
            "three venues, including a converted chapel and a barge moored on the canal. "
            "The programme runs for ten days in October and features more than sixty writers, from prize-winning "
            "novelists to first-time poets and local historians.",
            "Festival director Hannah Price said audience numbers had doubled since the festival began five "
            "years ago, outgrowing the single marquee used in earlier editions. "
            "Ticket prices will be held at last year's levels, and a pay-what-you-can scheme will reserve seats "
            "at every session for people on low incomes.",
            "A new strand for teenagers will include workshops on comic illustration, song lyrics and podcast "
            "making, led by authors who began writing at school. "
            "Volunteers are being recruited to staff information desks and guide visitors between venues, with "
            "training sessions planned for late summer.",
            "The full line-up will be published in July, when booking opens online and at the town library.",
        ],
    },
}


# ---------------------------------------------------------------------------
# Verbatim syndication of two wire stories (copy -> optional intro line)
# ---------------------------------------------------------------------------

SYNDICATION: list[dict] = [
    {
        "key": "syn_vaccine_hg",
        "source": "vaccine",
        "site": "harbourgazette.example",
        "date": "2025-03-14",
        "author": "Staff and agencies",
        "intro": "This agency report is published here because several care homes in the Carrow district "
        "helped to recruit older volunteers for the study last winter.",
    },
    {
        "key": "syn_vaccine_rp",
        "source": "vaccine",
        "site": "rivertownpost.example",
        "date": "2025-03-14",
        "author": "Northern Wire",
        "intro": None,
    },
    {
        "key": "syn_vaccine_mc",
        "source": "vaccine",
        "site": "metrochronicle.example",
        "date": "2025-03-15",
        "author": "Northern Wire",
        "intro": "Health officials in our region have followed this research closely, since two clinics at "
        "Fenwick General Hospital enrolled local patients in the trial.",
    },
    {
        "key": "syn_fire_dl",
        "source": "wildfire",
        "site": "dailyledger.example",
        "date": "2025-03-17",
        "author": "Northern Wire",
        "intro": None,
    },
    {
        "key": "syn_fire_co",
        "source": "wildfire",
        "site": "civicobserver.example",
        "date": "2025-03-17",
        "author": "Staff and agencies",
        "intro": "Anyone planning weekend walks on the uplands should look at access notices before leaving "
        "home, as several footpaths remain shut after the blaze reported below.",
    },
    {
        "key": "syn_fire_qd",
        "source": "wildfire",
        "site": "quickdigest.example",
        "date": "2025-03-18",
        "author": "Quick Digest desk",
        "intro": None,
    },
]


# ---------------------------------------------------------------------------
# Excerpts: new articles that quote one or two paragraphs of an original.
# "quote" holds the paragraph indexes of the source; QUOTE marks where the
# verbatim paragraphs go among the new paragraphs.
# ---------------------------------------------------------------------------

QUOTE = object()

EXCERPTS: list[dict] = [
    {
        "key": "exc_flood_insurance",
        "source": "flood",
        "quote": [2],
        "site": "civicobserver.example",
        "date": "2025-03-10",
        "title": "Insurers brace for claims as Tarrin valley residents count the cost",
        "author": "Lewis Carden",
        "paras": [
            "Household insurers have begun sending loss adjusters to the Tarrin valley, where several hundred "
            "homeowners are expected to lodge claims once floodwater recedes from ground-floor rooms. "
            "Brokers say many policies in the area were renewed this winter at sharply higher premiums, "
            "reflecting repeated damage in recent years along the same stretch of water.",
            "The Rivertown Post described the defensive work being done as the alert went out late last week, "
            "quoting the official in charge at the scene:",
            QUOTE,
            "Claims handlers said the quickest settlements usually go to households that photograph damage "
            "before cleaning begins and keep receipts for any emergency repairs or equipment hire. "
            "Tenants were reminded that a landlord's buildings cover rarely protects personal belongings, so "
            "renters without contents policies may face heavy losses after the water drains away.",
            "A government-backed reinsurance scheme caps premiums for many older homes at risk, but properties "
            "built after 2009 are excluded and can be difficult to insure at affordable prices.",
        ],
    },
    {
        "key": "exc_museum_skills",
        "source": "museum",
        "quote": [1],
        "site": "harbourgazette.example",
        "date": "2025-03-20",
        "title": "Heritage builders in demand as restoration projects multiply",
        "author": "Colm Reardon",
        "paras": [
            "Specialist bricklayers and stonemasons trained in traditional lime mortar are now booked up to "
            "eighteen months ahead, according to contractors working on historic buildings across the region. "
            "The shortage has become acute as councils and charities race to repair mills, chapels and "
            "warehouses left empty since manufacturing left the district decades ago.",
            "The long-awaited return of the Ravensholm engine house to public use showed how demanding such "
            "projects can be, as the Metro Chronicle reported earlier this week:",
            QUOTE,
            "Training providers have responded with short courses in repointing, timber repair and leadwork, yet "
            "most places fill within days and few apprentices complete the full qualification. "
            "Contractor Simon Reeve, who employs nine heritage masons, said younger recruits often leave for "
            "better-paid jobs on modern housing estates once they have learned the basics.",
            "Trade bodies are asking the government to fund bursaries for conservation skills, arguing that "
            "without them many listed buildings will deteriorate while waiting for qualified hands.",
        ],
    },
    {
        "key": "exc_rates_buyers",
        "source": "rates",
        "quote": [2, 3],
        "site": "dailyledger.example",
        "date": "2025-03-27",
        "title": "First-time buyers weigh fixed deals as rate cuts come into view",
        "author": "Priti Malhotra",
        "paras": [
            "Estate agents across Westmere report a modest rise in viewings this month, with first-time buyers "
            "returning to the market after a winter in which many chose to keep renting. "
            "Agents say younger buyers are asking more questions about mortgage terms than about kitchens or "
            "gardens, a sign of how heavily monthly costs weigh on their decisions.",
            "Lenders moved quickly after the policy announcement seven days ago, as the Civic Observer noted at "
            "the time in its report on the decision:",
            QUOTE,
            "Mortgage adviser Kirsty Bell said clients were split between locking in a fixed rate now and "
            "waiting a few months in the hope of cheaper offers after the summer. "
            "She warned that deposit requirements, rather than interest rates, remained the biggest hurdle for "
            "most couples hoping to buy a first flat in the city.",
        ],
    },
]


# ---------------------------------------------------------------------------
# Spun copies: hand-made "content farm" rewrites of whole originals
# ---------------------------------------------------------------------------

SPUN: list[dict] = [
    {
        "key": "spun_port",
        "source": "port",
        "site": "newsfarm24.example",
        "date": "2025-03-04",
        "title": "Carrow port dock workers strike over new shift rota",
        "author": "Web Desk",
        "paras": [
            "At dawn on Monday, around four hundred dockworkers at the Port of Carrow stopped work, leaving "
            "container cranes motionless and a line of cargo vessels anchored beyond the breakwater. "
            "The walkout comes after six weeks of unsuccessful talks between the Harbour Workers Union and "
            "Carrow Terminal Operations over a planned twelve-hour rotating shift pattern.",
            "Union organiser Teresa Malone told journalists outside the south gate that members had voted by a "
            "margin of nine to one to strike after bosses declined to withdraw the rota. "
            "She claimed that longer shifts would increase tiredness among crane drivers and lashers, who "
            "already work through winter storms on exposed quays with very little protection.",
            "In a written statement, Carrow Terminal Operations stated that the new pattern was necessary to "
            "handle bigger ships arriving from Asian routes without adding overnight berthing delays. "
            "The firm insisted that total weekly hours would remain unchanged and offered a one-off payment of "
            "eight hundred pounds to each employee who accepted the revised contract.",
            "Freight forwarders cautioned that perishable cargo, including fruit shipments from Spain and "
            "Morocco, could rot within days if refrigerated containers stay stranded on the dock. "
            "A number of hauliers diverted lorries to the smaller terminal at Bellhaven, though that facility "
            "lacks the lifting gear required for the heaviest boxes.",
            "A conciliation service has invited the two sides to meet on Thursday, and the union has stated "
            "pickets will remain in place at least until that meeting ends.",
        ],
    },
    {
        "key": "spun_layoffs",
        "source": "layoffs",
        "site": "quickdigest.example",
        "date": "2025-03-11",
        "title": "Lumarch Systems axes 1,200 jobs amid slower cloud growth",
        "author": "Quick Digest desk",
        "paras": [
            "Lumarch Systems, the Westmere-based developer of accounting software, revealed on Monday that it "
            "will cut about 1,200 jobs, roughly fourteen per cent of its worldwide workforce. "
            "In an email to staff, chief executive Dana Kowalczyk wrote that subscription revenue from its cloud "
            "platform had grown more slowly than expected during the last two quarters.",
            "The cuts will fall mainly on sales, marketing and middle management, while engineering teams "
            "building artificial intelligence features will be spared and could even grow. "
            "Departing staff will get sixteen weeks of pay plus one extra week for every year of service, along "
            "with six months of ongoing health coverage.",
            "Lumarch shares climbed nearly seven per cent in early trading, as investors welcomed a plan the "
            "company says will save 210 million dollars a year from next year. "
            "Analyst Priya Sandhu at Corvane Securities pointed out that rival vendors have already cut staff, "
            "and stated the market had been waiting for Lumarch to rein in its spending.",
            "According to two employees who asked not to be named, workers at the firm's customer support centre "
            "in Dunmore learned of the decision through a video call. "
            "One described the atmosphere in the office as shocked, adding that several co-workers had moved "
            "from overseas within the past year to join the business.",
        ],
    },
    {
        "key": "spun_transfer",
        "source": "transfer",
        "site": "newsfarm24.example",
        "date": "2025-03-13",
        "title": "Record signing: Carrow Athletic land Portuguese striker Ferreira",
        "author": "Web Desk",
        "paras": [
            "Carrow Athletic have finalised the capture of Portuguese striker Mateo Ferreira from Vitoria Norte "
            "for a fee thought to be roughly eighteen million euros, a club record. "
            "The twenty-four-year-old netted twenty-one league goals last term and has agreed a five-year deal "
            "with an option to extend for a further twelve months.",
            "Boss Callum Byrne stated he had followed Ferreira for two years and felt his pace behind defenders "
            "would give the side a sharper edge on the counter-attack. "
            "The forward completed a medical at the Oakbridge training ground on Wednesday morning before posing "
            "for pictures in a home shirt bearing the number nine.",
            "Fans gathered outside the stadium ticket office following the announcement, and the club said that "
            "replica shirts with his name had sold out online in just three hours. "
            "Athletic sit eleventh in the table and have netted fewer goals than any team in the top half, a "
            "weakness Byrne has repeatedly admitted in interviews.",
            "Provided international clearance arrives in time from the Portuguese football federation, Ferreira "
            "could make his debut against Hallam Rovers on Saturday.",
        ],
    },
    {
        "key": "spun_debate",
        "source": "debate",
        "site": "quickdigest.example",
        "date": "2025-03-14",
        "title": "Westmere mayor hopefuls trade blows on housing and buses in TV debate",
        "author": "Quick Digest desk",
        "paras": [
            "The three leading contenders for mayor of Westmere clashed over housing costs, police numbers and "
            "bus services during the first televised debate of the race on Wednesday evening. "
            "Surveys point to a tight contest between the Progress Party's Fiona Drummond and Martin Hale of the "
            "Heritage League, with independent councillor Yusuf Adeyemi lagging in third place.",
            "Drummond vowed to build three thousand affordable homes on council-owned land within four years, paid for "
            "in part by borrowing against future rental income from the new properties. "
            "Hale dismissed the target as unrealistic and pledged instead to speed up planning approvals for "
            "private builders, claiming that red tape was the biggest barrier to construction.",
            "Adeyemi won the loudest applause from the studio audience when he proposed free evening bus travel "
            "for shift workers, funded by a levy on large out-of-town car parks. "
            "Both rivals questioned the cost of the scheme, which he put at eleven million pounds a year, and "
            "asked how shop owners would react.",
            "On policing, all three contenders agreed that extra officers should patrol the late-night economy, "
            "though they disagreed sharply on whether the mayor should set local crime targets. "
            "Two more debates are planned before voters head to the polls on the first Thursday in May, "
            "among them one organised by students at Westmere College.",
        ],
    },
]


# ---------------------------------------------------------------------------
# One lifted sentence inside an otherwise unrelated content-farm article
# ---------------------------------------------------------------------------

LIFTED_SENTENCE = (
    "Their barrister argued that blasting and dewatering could lower the water table beneath Marram Fen, "
    "a habitat for breeding waders and several rare species of dragonfly."
)
LIFT = object()

SENTENCE_HOST = {
    "key": "lift_birding",
    "source": "court",
    "site": "newsfarm24.example",
    "date": "2025-03-28",
    "title": "Spring birdwatching: four wetland walks worth the drive",
    "author": "Web Desk",
    "paras": [
        "Spring is the busiest season for birdwatchers, and wetlands across the region attract returning "
        "migrants, nesting ducks and the occasional rare visitor blown off course by storms. "
        "We have gathered a handful of walks that suit beginners, with level paths, clear signage and somewhere "
        "nearby to buy a warm drink afterwards.",
        "Coldwater Marsh offers boardwalks through reed beds where bitterns boom at dusk, and a small hide "
        "overlooks a lagoon favoured by avocets from late March onwards. "
        "The car park fills early at weekends, so arriving before nine is sensible if you hope to secure a space "
        "near the visitor hut.",
        ["Further north, Marram Fen is a quieter choice with fewer facilities but excellent views across open "
         "reed-fringed pools.", LIFT,
         "Walkers should keep dogs on short leads between April and July, when ground-nesting birds are easily "
         "disturbed."],
        "Finally, the estuary trail at Saltcote links two hides along a raised sea wall and is excellent for "
        "curlews feeding on the mudflats at low tide. "
        "Consult tide tables before you go, bring binoculars with a wide field of view, and remember that "
        "patience usually rewards quiet observers more than miles walked.",
    ],
}


# ---------------------------------------------------------------------------
# Reordered copies: sentence order given as lists of (paragraph) groups of
# source sentence indexes; the second also gets a light spin.
# ---------------------------------------------------------------------------

REORDERED: list[dict] = [
    {
        "key": "reord_budget",
        "source": "budget",
        "site": "quickdigest.example",
        "date": "2025-03-07",
        "title": "Westmere budget passed: libraries and parking hit",
        "author": "Quick Digest desk",
        "order": [[6, 7], [0, 2, 3], [1, 5], [4]],
        "spin": [],
    },
    {
        "key": "reord_rail",
        "source": "rail",
        "site": "newsfarm24.example",
        "date": "2025-03-19",
        "title": "Commuter towns lose fast trains in Midshire timetable shake-up",
        "author": "Web Desk",
        "order": [[2, 3], [0, 1], [6, 7], [4, 5]],
        "spin": [
            ("reacted angrily", "responded furiously"),
            ("called the plan a betrayal", "described the plan as a betrayal"),
            ("the operator Midshire Trains announced", "operator Midshire Trains has confirmed"),
            ("has promised extra", "has pledged additional"),
            ("have requested an urgent meeting", "have asked for an urgent meeting"),
            ("is due to finish", "is expected to be completed"),
        ],
    },
]


# ---------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------

SENT_SPLIT = re.compile(r"(?<=[.!?:])\s+(?=[A-Z\"'])")
WORD = re.compile(r"[A-Za-z0-9]+(?:['.,-][A-Za-z0-9]+)*")


def sentences(text: str) -> list[str]:
    out: list[str] = []
    for para in text.split(PARA):
        out.extend(s for s in SENT_SPLIT.split(para) if s)
    return out


def words(text: str) -> list[str]:
    return WORD.findall(text)


def norm_tokens(text: str) -> list[str]:
    return [w.lower() for w in words(text)]


def ngrams(text: str, n: int = 4) -> set[tuple[str, ...]]:
    toks = norm_tokens(text)
    return {tuple(toks[i : i + n]) for i in range(len(toks) - n + 1)}


def slugify(title: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")


def find_once(haystack: str, needle: str, what: str) -> tuple[int, int]:
    start = haystack.find(needle)
    if start < 0:
        raise ValueError(f"{what}: text not found")
    if haystack.find(needle, start + 1) >= 0:
        raise ValueError(f"{what}: text occurs more than once")
    return start, start + len(needle)


def spun_ratio(source: str, copy: str) -> float:
    """Share of the copy's words not aligned to the source (word-level diff)."""
    a = norm_tokens(source)
    b = norm_tokens(copy)
    sm = difflib.SequenceMatcher(a=a, b=b, autojunk=False)
    kept = sum(block.size for block in sm.get_matching_blocks())
    return 1.0 - kept / len(b)


# ---------------------------------------------------------------------------
# Build
# ---------------------------------------------------------------------------


def build() -> tuple[list[dict], dict]:
    docs: dict[str, dict] = {}  # key -> record without id
    relations: list[dict] = []  # with keys; turned into ids at the end

    def add(key: str, site: str, date: str, title: str, author: str, text: str) -> None:
        if key in docs:
            raise ValueError(f"duplicate key {key}")
        yyyy, mm, dd = date.split("-")
        docs[key] = {
            "site": site,
            "date": date,
            "title": title,
            "url": f"https://{site}/{yyyy}/{mm}/{dd}/{slugify(title)}",
            "author": author,
            "text": text,
        }

    for key, art in {**ORIGINALS, **CONTROLS}.items():
        add(key, art["site"], art["date"], art["title"], art["author"], PARA.join(art["paras"]))

    # verbatim syndication
    for syn in SYNDICATION:
        src = ORIGINALS[syn["source"]]
        body = PARA.join(src["paras"])
        text = body if syn["intro"] is None else syn["intro"] + PARA + body
        if syn["site"] == src["site"] or syn["date"] <= src["date"]:
            raise ValueError(f"{syn['key']}: copy must be on another site and dated later")
        add(syn["key"], syn["site"], syn["date"], src["title"], syn["author"], text)
        cs, ce = find_once(text, body, syn["key"])
        relations.append(
            {"kind": "verbatim", "source": syn["source"], "copy": syn["key"],
             "source_span": [0, len(body)], "copy_span": [cs, ce]}
        )

    # excerpts
    for exc in EXCERPTS:
        src_paras = ORIGINALS[exc["source"]]["paras"]
        quoted = PARA.join(src_paras[i] for i in exc["quote"])
        paras = [quoted if p is QUOTE else p for p in exc["paras"]]
        text = PARA.join(paras)
        add(exc["key"], exc["site"], exc["date"], exc["title"], exc["author"], text)
        src_text = docs[exc["source"]]["text"]
        relations.append(
            {"kind": "excerpt", "source": exc["source"], "copy": exc["key"],
             "source_span": list(find_once(src_text, quoted, exc["key"] + " source")),
             "copy_span": list(find_once(text, quoted, exc["key"] + " copy"))}
        )

    # spun copies (whole documents)
    for sp in SPUN:
        text = PARA.join(sp["paras"])
        add(sp["key"], sp["site"], sp["date"], sp["title"], sp["author"], text)
        src_text = docs[sp["source"]]["text"]
        relations.append(
            {"kind": "spun", "source": sp["source"], "copy": sp["key"],
             "source_span": [0, len(src_text)], "copy_span": [0, len(text)]}
        )

    # one lifted sentence
    host_paras = [
        " ".join(LIFTED_SENTENCE if s is LIFT else s for s in p) if isinstance(p, list) else p
        for p in SENTENCE_HOST["paras"]
    ]
    host_text = PARA.join(host_paras)
    h = SENTENCE_HOST
    add(h["key"], h["site"], h["date"], h["title"], h["author"], host_text)
    relations.append(
        {"kind": "sentence", "source": h["source"], "copy": h["key"],
         "source_span": list(find_once(docs[h["source"]]["text"], LIFTED_SENTENCE, "lift source")),
         "copy_span": list(find_once(host_text, LIFTED_SENTENCE, "lift copy"))}
    )

    # reordered copies
    for ro in REORDERED:
        src_text = docs[ro["source"]]["text"]
        sents = sentences(src_text)
        flat = sorted(i for group in ro["order"] for i in group)
        if flat != list(range(len(sents))):
            raise ValueError(f"{ro['key']}: order must use every source sentence exactly once")
        text = PARA.join(" ".join(sents[i] for i in group) for group in ro["order"])
        for old, new in ro["spin"]:
            if text.count(old) != 1:
                raise ValueError(f"{ro['key']}: spin target {old!r} must occur exactly once")
            text = text.replace(old, new)
        add(ro["key"], ro["site"], ro["date"], ro["title"], ro["author"], text)
        relations.append(
            {"kind": "reordered", "source": ro["source"], "copy": ro["key"],
             "source_span": [0, len(src_text)], "copy_span": [0, len(text)]}
        )

    # ids: sorted by date, then site, then key, numbered ex-001...
    order = sorted(docs, key=lambda k: (docs[k]["date"], docs[k]["site"], k))
    ids = {k: f"ex-{i + 1:03d}" for i, k in enumerate(order)}
    records = [{"id": ids[k], **docs[k]} for k in order]
    planted = {
        "relations": [
            {**r, "source": ids[r["source"]], "copy": ids[r["copy"]]}
            for r in sorted(relations, key=lambda r: (ids[r["source"]], ids[r["copy"]]))
        ],
        "controls": sorted(ids[k] for k in CONTROLS),
    }
    return records, planted


# ---------------------------------------------------------------------------
# Self-check
# ---------------------------------------------------------------------------


def check(records: list[dict], planted: dict) -> list[str]:
    """Raise ValueError on any broken invariant; return informational lines."""
    info: list[str] = []
    by_id = {r["id"]: r for r in records}
    if len(by_id) != len(records):
        raise ValueError("record ids are not unique")
    if not 36 <= len(records) <= 40:
        raise ValueError(f"expected 36-40 records, got {len(records)}")
    fields = ["id", "site", "date", "title", "url", "author", "text"]
    for r in records:
        if list(r) != fields:
            raise ValueError(f"{r['id']}: fields {list(r)}")
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", r["date"]):
            raise ValueError(f"{r['id']}: bad date")
        text = r["text"]
        if not text.isascii():
            raise ValueError(f"{r['id']}: non-ASCII text (keeps char and byte offsets identical)")
        n = len(words(text))
        if not 120 <= n <= 350:
            raise ValueError(f"{r['id']}: {n} words, want 120-350")
        for s in sentences(text):
            if s.endswith(":"):  # lead-in to a quoted passage
                continue
            k = len(words(s))
            if not 15 <= k <= 35:
                raise ValueError(f"{r['id']}: sentence of {k} words: {s!r}")
        if "\n\n\n" in text or text != text.strip():
            raise ValueError(f"{r['id']}: stray whitespace")
    sites = {r["site"] for r in records}
    if not 6 <= len(sites) <= 8:
        raise ValueError(f"expected 6-8 sites, got {len(sites)}")

    related: dict[str, set[str]] = defaultdict(set)
    for rel in planted["relations"]:
        src, cpy = by_id[rel["source"]], by_id[rel["copy"]]
        if cpy["date"] <= src["date"] or cpy["site"] == src["site"]:
            raise ValueError(f"{rel['copy']}: copy must be later and on another site")
        ss, se = rel["source_span"]
        cs, ce = rel["copy_span"]
        if not (0 <= ss < se <= len(src["text"]) and 0 <= cs < ce <= len(cpy["text"])):
            raise ValueError(f"{rel['copy']}: span out of range")
        a, b = src["text"][ss:se], cpy["text"][cs:ce]
        kind = rel["kind"]
        if kind in ("verbatim", "excerpt", "sentence"):
            if a != b:
                raise ValueError(f"{rel['copy']}: {kind} spans differ")
        if kind == "spun":
            ratio = spun_ratio(a, b)
            info.append(f"spun {rel['source']} -> {rel['copy']}: {ratio:.0%} of words changed")
            if not 0.15 <= ratio <= 0.30:
                raise ValueError(f"{rel['copy']}: spun ratio {ratio:.2f} outside 0.15-0.30")
        if kind == "reordered":
            if sorted(sentences(a)) == sorted(sentences(b)):
                info.append(f"reordered {rel['source']} -> {rel['copy']}: same sentences")
            else:
                ratio = spun_ratio(" ".join(sorted(sentences(a))), " ".join(sorted(sentences(b))))
                info.append(f"reordered {rel['source']} -> {rel['copy']}: spun {ratio:.0%}")
            if sentences(a) == sentences(b):
                raise ValueError(f"{rel['copy']}: not reordered")
        if kind in ("excerpt", "sentence"):
            # outside the planted span the two documents must share nothing
            outside = [cpy["text"][:cs], cpy["text"][ce:]]
            grams = set().union(*(ngrams(t) for t in outside))
            shared = grams & ngrams(src["text"])
            if shared:
                raise ValueError(f"{rel['copy']}: shares {sorted(shared)[:3]} outside its span")
        related[rel["source"]].add(rel["copy"])
        related[rel["copy"]].add(rel["source"])

    # group documents connected by planted relations (syndicated copies of one
    # source match each other too); no 4-gram may cross between groups
    group: dict[str, str] = {}
    for r in records:
        if r["id"] in group:
            continue
        stack = [r["id"]]
        while stack:
            cur = stack.pop()
            if cur in group:
                continue
            group[cur] = r["id"]
            stack.extend(related[cur])
    grams = {r["id"]: ngrams(r["text"]) for r in records}
    clashes = []
    ids = [r["id"] for r in records]
    for i, x in enumerate(ids):
        for y in ids[i + 1 :]:
            if group[x] == group[y]:
                continue
            common = grams[x] & grams[y]
            if common:
                clashes.append(f"{x} ~ {y}: {sorted(' '.join(g) for g in common)}")
    if clashes:
        raise ValueError("unplanted shared 4-grams:\n" + "\n".join(clashes))
    for c in planted["controls"]:
        if related[c]:
            raise ValueError(f"control {c} takes part in a relation")
    return info


def main() -> None:
    records, planted = build()
    info = check(records, planted)
    corpus_path = HERE / "corpus.jsonl"
    planted_path = HERE / "planted.json"
    with corpus_path.open("w", encoding="utf-8", newline="\n") as fh:
        for r in records:
            fh.write(json.dumps(r, ensure_ascii=False) + "\n")
    rel_lines = ",\n".join("    " + json.dumps(r) for r in planted["relations"])
    planted_path.write_text(
        '{\n  "relations": [\n' + rel_lines + "\n  ],\n"
        f'  "controls": {json.dumps(planted["controls"])}\n}}\n',
        encoding="utf-8",
    )

    # re-read what was written and check it again
    lines = corpus_path.read_text(encoding="utf-8").splitlines()
    reread = []
    for n, line in enumerate(lines, 1):
        try:
            reread.append(json.loads(line))
        except json.JSONDecodeError as exc:
            raise ValueError(f"corpus.jsonl line {n} is not JSON: {exc}") from exc
    if reread != records or json.loads(planted_path.read_text(encoding="utf-8")) != planted:
        raise ValueError("written files do not round-trip")
    for line in info:
        print(line)
    kinds = defaultdict(int)
    for rel in planted["relations"]:
        kinds[rel["kind"]] += 1
    print(
        f"wrote {len(records)} articles to {corpus_path.name}, "
        f"{len(planted['relations'])} relations ({dict(sorted(kinds.items()))}) "
        f"and {len(planted['controls'])} controls to {planted_path.name}"
    )


if __name__ == "__main__":
    main()
