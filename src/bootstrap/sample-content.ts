/**
 * Sample newsroom content written for this project (fictional places and people), in the shape
 * of a real news page: headline, lead, dateline, byline, and a body with a subheading and quotes.
 */
export type SampleArticle = {
  title: string;
  lead: string;
  category: string;
  byline: string;
  dateline: string;
  paragraphs: string[];
  subheading: string;
  quote: string;
  closing: string[];
  /** Sample reactions: how many readers chose each kind. */
  reactions: Record<string, number>;
};

export const SAMPLE_ARTICLES: SampleArticle[] = [
  {
    title: 'Harbour city council approves night ferry service after two-year trial',
    lead: 'Councillors in Port Elsmere voted 14 to 3 to keep the late-night ferry running year-round, citing safer journeys home for shift workers.',
    category: 'Politics',
    byline: 'Mara Lindqvist',
    dateline: 'PORT ELSMERE',
    paragraphs: [
      'The harbour city council on Tuesday approved a permanent night ferry between the old town and the eastern docks, ending a two-year trial that carried more than 180,000 passengers after 11 p.m.',
      'Supporters said the service had cut late-night taxi queues by half and given hospital and port staff a reliable way home. Opponents questioned the cost, about 2.4 million a year, at a time when road repairs are behind schedule.',
    ],
    subheading: 'A COST DEBATE THAT IS NOT OVER',
    quote: '“Nobody should have to choose between a double shift and a safe ride home,” said councillor Ines Obradović, who proposed the motion.',
    closing: [
      'The finance committee will review fares in the spring. Until then, a single night crossing stays at the daytime price.',
      'The ferry operator said it would add a second boat on Friday and Saturday nights from next month.',
    ],
    reactions: { like: 9, love: 4, dislike: 2, wow: 1 },
  },
  {
    title: 'Researchers map a glacier lake that grew tenfold in a decade',
    lead: 'A survey team spent six weeks on the Varn ice field measuring a meltwater lake that now holds enough water to fill 40,000 swimming pools.',
    category: 'Science',
    byline: 'Tomás Reyes',
    dateline: 'VARN ICE FIELD',
    paragraphs: [
      'Scientists from the Northern Highlands Institute have published the first detailed depth map of Lake Skarra, a meltwater lake that did not appear on maps fifteen years ago.',
      'Using sonar boats and drone surveys, the team found the lake is 62 metres deep at its centre and is held back by a ridge of loose rock rather than solid ice.',
    ],
    subheading: 'VALLEY TOWNS ASK FOR AN EARLY WARNING SYSTEM',
    quote: '“The ridge is stable for now, but stable is not the same as safe,” said lead researcher Dr. Helka Moen. “We want sensors on it before the next melt season.”',
    closing: [
      'Three villages downstream have asked the regional government to fund water-level sensors and sirens, at an estimated cost of 900,000.',
      'The regional environment office said it would respond to the request within a month.',
    ],
    reactions: { wow: 8, sad: 5, like: 3, angry: 1 },
  },
  {
    title: 'Local bakery co-operative opens its books to customers',
    lead: 'Members of the Rye & Rise co-operative can now see every cost behind a loaf, from flour to electricity, on a screen by the till.',
    category: 'Business',
    byline: 'Amira Haddad',
    dateline: 'BRENNICK',
    paragraphs: [
      'A bakery owned by its 430 customers has started publishing its monthly accounts next to the bread shelves, in what its managers call an experiment in trust.',
      'The figures show flour prices up 18 percent over the year and energy costs down after the co-operative installed heat recovery on its ovens.',
    ],
    subheading: '‘PEOPLE ASK BETTER QUESTIONS’',
    quote: '“When customers see the numbers, they ask better questions and fewer angry ones,” said manager Petra Novak.',
    closing: [
      'Members vote on prices twice a year. The next vote, in March, will decide whether a sourdough loaf goes up by 20 cents.',
    ],
    reactions: { like: 6, love: 6, funny: 2 },
  },
  {
    title: 'Underdogs Kestrel FC reach the cup semi-final on penalties',
    lead: 'A goalkeeper who joined the club in August saved two penalties as the second-division side knocked out the league leaders.',
    category: 'Sport',
    byline: 'Jonas Adeyemi',
    dateline: 'MARLOW VALE',
    paragraphs: [
      'Kestrel FC, who play in a stadium with one covered stand, beat league leaders Ashford Athletic 5-4 on penalties after a 1-1 draw on Saturday night.',
      'Goalkeeper Rui Santos, signed on a free transfer in August, saved the fourth and sixth kicks before captain Leah Brandt scored the winner.',
    ],
    subheading: 'A SELL-OUT FOR THE SEMI-FINAL',
    quote: '“I just guessed left twice and got lucky twice,” Santos said, laughing. “Tell nobody it was a guess.”',
    closing: [
      'All 6,200 tickets for the semi-final sold out within an hour on Monday morning.',
    ],
    reactions: { love: 7, funny: 5, wow: 4, like: 2, dislike: 1 },
  },
  {
    title: 'City library extends opening hours to midnight during exam season',
    lead: 'The central library will stay open until midnight for four weeks, after students collected 3,000 signatures asking for quiet study space.',
    category: 'Culture',
    byline: 'Sofia Kallio',
    dateline: 'ALDERHAVEN',
    paragraphs: [
      'Alderhaven Central Library will open until midnight from Monday, the city culture department said, in a pilot paid for by a university grant.',
      'Librarians will staff the ground floor reading rooms, while the upper floors and lending desk close at the usual time of 8 p.m.',
    ],
    subheading: 'STUDENTS WELCOME THE MOVE',
    quote: '“Half of us share flats with four people. A quiet desk until midnight is worth more than any textbook,” said student union chair Oskar Lind.',
    closing: [
      'The department will count visitors each night and decide in June whether to repeat the late opening next year.',
    ],
    reactions: { like: 11, love: 3, sad: 1 },
  },
];

export const SAMPLE_VIDEO = {
  title: 'Inside the night ferry: one crossing with the crew',
  summary: 'Our video team rode the last ferry of the night from the old town to the eastern docks.',
  videoUrl: 'https://videos.example.org/night-ferry-crossing.mp4',
  durationSeconds: 214,
  byline: 'Mara Lindqvist',
  reactions: { like: 4, love: 2, wow: 1 },
};
