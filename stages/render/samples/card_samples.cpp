#include "card_samples.hpp"

#include <chrono>
#include <stdexcept>
#include <type_traits>
#include <utility>

#include "sample_pictures.hpp"

namespace pipectl::render {

namespace {

using items::Author;
using items::Entity;
using items::EntityKind;
using items::MediaPost;
using P = PicturePattern;

// The samples' day. Times spread over it so the cards show different local times.
std::chrono::sys_seconds at(int hour, int minute) {
  using namespace std::chrono;
  return sys_days{year{2026} / November / 24} + hours{hour} + minutes{minute};
}

// Post text with entities whose offsets are counted as the X API counts them: in code points.
class RichText {
 public:
  RichText& plain(std::string_view s) { return append(s); }
  RichText& hashtag(std::string_view tag) { return entity(EntityKind::hashtag, "#", tag); }
  RichText& mention(std::string_view user) { return entity(EntityKind::mention, "@", user); }
  RichText& cashtag(std::string_view symbol) { return entity(EntityKind::cashtag, "$", symbol); }
  RichText& url(std::string_view tco, std::string_view display) {
    entity(EntityKind::url, "", tco);
    entities_.back().display_url = std::string(display);
    return *this;
  }
  // A Mastodon custom emoji: ":shortcode:" in the text, drawn as the picture at `image_url`.
  RichText& emoji(std::string_view shortcode, std::string_view image_url) {
    Entity e;
    e.kind = EntityKind::custom_emoji;
    e.start = code_points_;
    append(":").append(shortcode).append(":");
    e.end = code_points_;
    e.text = std::string(shortcode);
    e.image_url = std::string(image_url);
    entities_.push_back(std::move(e));
    return *this;
  }
  const std::string& text() const { return text_; }
  const std::vector<Entity>& entities() const { return entities_; }

 private:
  RichText& append(std::string_view s) {
    text_.append(s);
    for (unsigned char c : s) code_points_ += (c & 0xC0) != 0x80 ? 1 : 0;
    return *this;
  }
  RichText& entity(EntityKind kind, std::string_view sigil, std::string_view shown) {
    Entity e;
    e.kind = kind;
    e.start = code_points_;
    append(sigil).append(shown);
    e.end = code_points_;
    e.text = std::string(shown);
    entities_.push_back(std::move(e));
    return *this;
  }

  std::string text_;
  std::vector<Entity> entities_;
  int code_points_ = 0;
};

// An author with a picture: every post of theirs carries the same avatar.
struct Persona {
  Author author;
  items::Image avatar;
};

// Builds the list; `next_` numbers the posts so each has its own id and time of day.
class SampleBuilder {
 public:
  MediaPost post(const Author& author, std::string text) {
    MediaPost media;
    const int n = next_++;
    media.post.id = "18612" + std::to_string(340000000000000 + n * 7919);
    media.post.created_at = at(6 + (n * 37 / 60) % 17, (n * 37) % 60);
    media.post.text = std::move(text);
    media.post.author = author;
    media.post.index = n;
    media.post.source = "card_samples.cpp";
    return media;
  }
  MediaPost post(const Author& author, const RichText& rich) {
    MediaPost media = post(author, rich.text());
    media.post.entities = rich.entities();
    return media;
  }
  template <class Text>
  MediaPost post(const Persona& who, Text&& text) {
    MediaPost media = post(who.author, std::forward<Text>(text));
    media.avatar = who.avatar;
    return media;
  }

  void add(std::string name, SampleGroup group, std::string summary, MediaPost media) {
    samples_.push_back({std::move(name), std::move(summary), group, std::move(media)});
  }
  void add(std::string name, std::string summary, TitleInfo title) {
    samples_.push_back({std::move(name), std::move(summary), SampleGroup::title, std::move(title)});
  }
  void add(std::string name, std::string summary, EndInfo end) {
    samples_.push_back({std::move(name), std::move(summary), SampleGroup::title, std::move(end)});
  }

  std::vector<CardSample> done() { return std::move(samples_); }

 private:
  int next_ = 0;
  std::vector<CardSample> samples_;
};

Author author(std::string username, std::string name, bool with_avatar = false) {
  Author a;
  a.id = std::to_string(1000 + username.size() * 31 + static_cast<unsigned char>(username[0]));
  a.name = std::move(name);
  a.username = std::move(username);
  if (with_avatar) a.avatar_url = "https://pbs.twimg.com/profile_images/1/" + a.username + "_400x400.jpg";
  return a;
}

// Attaches a picture (or a missing one) as the API and download-media would.
void attach(MediaPost& media, std::string type, std::optional<items::Image> image,
            std::string alt_text = "", int declared_width = 0, int declared_height = 0) {
  items::MediaRef ref;
  ref.key = "3_" + media.post.id + "_" + std::to_string(media.post.media.size());
  ref.type = std::move(type);
  ref.url = "https://pbs.twimg.com/media/" + ref.key + ".jpg";
  ref.width = image ? image->width : declared_width;
  ref.height = image ? image->height : declared_height;
  ref.alt_text = std::move(alt_text);
  media.post.media.push_back(std::move(ref));
  media.images.push_back(std::move(image));
}

void photo(MediaPost& media, int width, int height, P pattern, std::uint32_t from, std::uint32_t to) {
  attach(media, "photo", sample_picture(width, height, pattern, Color::rgb(from), Color::rgb(to)));
}

Persona persona(std::string username, std::string name, std::uint32_t from, std::uint32_t to,
                std::uint32_t figure) {
  return {author(std::move(username), std::move(name), true),
          sample_avatar(200, Color::rgb(from), Color::rgb(to), Color::rgb(figure))};
}

void add_scripts(SampleBuilder& b) {
  const auto script = [&b](std::string name, std::string summary, Author who, std::string text) {
    b.add(std::move(name), SampleGroup::script, std::move(summary), b.post(who, std::move(text)));
  };
  script("script-latin", "Latin with diacritics (French, Spanish, Danish, Vietnamese)",
         author("elodie_m", "Élodie Marchand"),
         "Weekend market in Lyon: crème brûlée, jamón ibérico, smørrebrød and phở from the new "
         "stall. Ça vaut le détour — see you Saturday at 9:30!");
  script("script-cyrillic", "Cyrillic (Russian)", author("masha_iv", "Мария Иванова"),
         "Сегодня в Новосибирске минус двадцать три, а небо ясное. Идеальный день для прогулки "
         "по набережной Оби и горячего чая с облепихой.");
  script("script-greek", "Greek with tonos", author("nikos_p", "Νίκος Παπαδόπουλος"),
         "Καλημέρα από τη Θεσσαλονίκη! Ο καιρός είναι υπέροχος σήμερα και η θάλασσα λάμπει. "
         "Ποιος έρχεται για καφέ στην παραλία;");
  script("script-arabic", "Arabic, right to left, joined letters", author("noor_souk", "نور الهدى"),
         "صباح الخير من سوق المدينة! وصلت اليوم توابل جديدة من حلب والقاهرة: كمون، هيل، وزعفران. "
         "نفتح الساعة ٩ صباحًا حتى المغرب.");
  script("script-hebrew", "Hebrew, right to left", author("dana_levi", "דנה לוי"),
         "בוקר טוב מתל אביב! היום בשוק הכרמל יש תותים ראשונים של העונה. מי מצטרף לסיור בשעה 10:00?");
  script("script-mixed-bidi", "left-to-right and right-to-left runs and numbers in one line",
         author("sam_rivera", "Sam Rivera"),
         "Peace is سلام in Arabic and שלום in Hebrew: 3 words, 2 directions, 1 line. "
         "مرحبا world 2026 שלום!");
  script("script-devanagari", "Devanagari (Hindi): conjuncts and vowel signs",
         author("priya_s", "प्रिया शर्मा"),
         "आज दिल्ली में सर्दी की पहली धूप निकली। चाय, मूंगफली और पुरानी किताबें — इससे अच्छा "
         "रविवार क्या हो सकता है?");
  script("script-bengali", "Bengali", author("arnab_das", "অর্ণব দাস"),
         "কলকাতায় আজ দুর্দান্ত বৃষ্টি। গরম চা আর তেলেভাজা ছাড়া এমন সন্ধ্যা অসম্পূর্ণ। "
         "কে কে আসছ কলেজ স্ট্রিটে?");
  script("script-tamil", "Tamil", author("karthik_r", "கார்த்திக் ராஜா"),
         "சென்னையில் இன்று மார்கழி இசை விழா தொடங்குகிறது. காலை ஆறு மணிக்கே அரங்கம் "
         "நிரம்பிவிட்டது!");
  script("script-thai", "Thai: no spaces between words (dictionary line breaks)",
         author("somchai_j", "สมชาย ใจดี"),
         "วันนี้ที่เชียงใหม่อากาศเย็นสบายมาก ตลาดเช้ามีผลไม้สดเยอะเลย "
         "ใครอยากไปเที่ยวดอยสุเทพด้วยกันบ้างครับ");
  script("script-japanese", "Japanese: kana and kanji, breaks between any characters",
         author("sakura_lab", "さくら研究室"),
         "本日の観測結果：東京の上空で珍しい彩雲が見られました。撮影した写真は明日の勉強会で"
         "共有します。ぜひご参加ください！");
  script("script-chinese", "Chinese (simplified)", author("li_ming", "李明"),
         "今天在杭州西湖边散步，秋天的桂花香气扑鼻。晚上准备去吃东坡肉和龙井虾仁，有没有朋友一起？");
  script("script-korean", "Korean (Hangul)", author("minji_kim", "김민지"),
         "오늘 서울은 첫눈이 내렸어요! 따뜻한 호떡 하나 들고 한강 공원을 걸었습니다. 다들 감기 "
         "조심하세요.");
  // Escapes, not literal emoji: the joiners and modifiers are invisible in an editor.
  script("script-emoji", "colour emoji: ZWJ families, flags, skin tones, keycaps",
         author("emoji_check", "Emoji \U0001F9EA Check"),
         "Families: \U0001F468\u200D\U0001F469\u200D\U0001F467\u200D\U0001F466 "
         "\U0001F469\u200D\U0001F469\u200D\U0001F466 \U0001F468\u200D\U0001F468\u200D\U0001F467\u200D\U0001F467\n"
         "Flags: \U0001F1EF\U0001F1F5 \U0001F1E7\U0001F1F7 \U0001F1EB\U0001F1F7 \U0001F1EE\U0001F1F3 "
         "\U0001F1FA\U0001F1E6 \U0001F3F3\uFE0F\u200D\U0001F308\n"
         "Skin tones: \U0001F44B\U0001F3FB \U0001F44B\U0001F3FD \U0001F44B\U0001F3FF \U0001F44D\U0001F3FC "
         "\U0001F64C\U0001F3FE \U0001F469\U0001F3FD\u200D\U0001F4BB\n"
         "Keycaps and more: 1\uFE0F\u20E3 #\uFE0F\u20E3 \u2764\uFE0F \U0001F525 \U0001F680");
}

std::string long_text() {
  // Exactly 25,000 characters (ASCII, so bytes too): X's limit for a long post.
  std::string text;
  for (int day = 1; text.size() < 25000; ++day) {
    text += "Day " + std::to_string(day) + " of the observing log: the telescope tracked the comet for " +
            std::to_string(day * 7 % 90 + 10) + " minutes, the dome stayed dry, and the coffee ran out at " +
            std::to_string(day % 24) + ":" + std::to_string(10 + day * 13 % 50) + ". ";
    if (day % 4 == 0) text += "\n\n";
  }
  text.resize(24999);
  return text + ".";
}

void add_layouts(SampleBuilder& b) {
  const Persona ada = persona("ada_lovelace", "Ada Lovelace", 0x7856FF, 0x1D9BF0, 0xFFD7B5);
  const Persona orbit = persona("orbit_daily", "Orbit Daily", 0x0F1419, 0x1D9BF0, 0xE6ECF0);
  const Persona lab = persona("sakura_lab", "さくら研究室", 0xF91880, 0xFFB3D1, 0xFFFFFF);
  const auto layout = [&b](std::string name, std::string summary, MediaPost media) {
    b.add(std::move(name), SampleGroup::layout, std::move(summary), std::move(media));
  };

  MediaPost m = b.post(ada, "Good morning! \u2600\uFE0F");
  layout("layout-text-short", "a few words: the text at its largest size, a picture avatar", m);

  m = b.post(orbit,
             "Three things we learned from today's static fire:\n\n"
             "1. The new valves open 40 ms faster.\n"
             "2. The pad's water deluge works at half flow.\n"
             "3. Nobody should park next to the flame trench.\n\n"
             "Full write-up tomorrow.");
  layout("layout-text-paragraphs", "text only, with paragraphs and line breaks", m);

  m = b.post(orbit, "Sunrise over the launch site this morning. Clear skies for Thursday's attempt.");
  photo(m, 1600, 900, P::landscape, 0x3B6FD8, 0x2E8B57);
  layout("layout-photos-1", "one 16:9 photo", m);

  m = b.post(lab, "本日の二枚：縦長の雲と横長のパノラマ。");
  photo(m, 900, 1200, P::rings, 0xF91880, 0x7856FF);
  photo(m, 1800, 600, P::landscape, 0xFF7A00, 0x6B8E23);
  layout("layout-photos-2", "two photos: 3:4 and a 3:1 panorama", m);

  m = b.post(ada, "Sketches from the notebook, in three shapes.");
  photo(m, 1000, 1000, P::checker, 0x1D9BF0, 0x00BA7C);
  photo(m, 1200, 900, P::stripes, 0xE11D48, 0xFF7A00);
  photo(m, 720, 1280, P::landscape, 0x0EA5E9, 0x8B5CF6);
  layout("layout-photos-3", "three photos: square, 4:3 and 9:16", m);

  m = b.post(orbit, "Four views of the booster, from the tiny thumbnail to the tall crane shot.");
  photo(m, 64, 64, P::checker, 0x000000, 0xFFFFFF);
  photo(m, 400, 1200, P::stripes, 0x00BA7C, 0x0EA5E9);
  photo(m, 1600, 900, P::rings, 0xFF7A00, 0xF91880);
  photo(m, 1024, 768, P::landscape, 0x7856FF, 0x2E8B57);
  layout("layout-photos-4", "four photos: a 64 px thumbnail (scaled up), 1:3, 16:9, 4:3", m);

  m = b.post(orbit, "");
  photo(m, 1200, 800, P::landscape, 0x1D9BF0, 0x556B2F);
  photo(m, 800, 1200, P::rings, 0x8B5CF6, 0x0EA5E9);
  layout("layout-photos-no-text", "two photos and no text: the photos take the whole card", m);

  m = b.post(ada, "Two pictures today, but the second one would not load.");
  photo(m, 1200, 900, P::stripes, 0x1D9BF0, 0x7856FF);
  attach(m, "photo", std::nullopt, "A diagram of the analytical engine", 1200, 900);
  m.notes.push_back("post " + m.post.id + ": media " + m.post.media.back().key +
                    " (https://pbs.twimg.com/media/" + m.post.media.back().key +
                    ".jpg): the server answered HTTP 404; the card shows a placeholder");
  layout("layout-missing-image", "a photo that could not be had: its placeholder", m);

  m = b.post(orbit, "Watch the landing from the droneship camera \U0001F680");
  attach(m, "video", sample_picture(1280, 720, P::landscape, Color::rgb(0x0B1E3F), Color::rgb(0x3A5F0B)),
         "The booster lands on the droneship");
  layout("layout-video", "a video: its preview image (play badge)", m);

  m = b.post(lab, "今日の気分");
  attach(m, "animated_gif", sample_picture(480, 480, P::rings, Color::rgb(0xFFD400), Color::rgb(0xF91880)));
  layout("layout-gif", "an animated GIF: its preview image (GIF badge)", m);

  items::ReferencedPost quoted;
  quoted.type = "quoted";
  quoted.id = "1861200000000000001";
  quoted.text =
      "Why does a satellite not fall down? It does, all the time. It just keeps missing the Earth, "
      "because it moves sideways at 7.8 km/s.";
  quoted.author = orbit.author;
  m = b.post(ada, "The best explanation of orbital mechanics I have read all year \U0001F447");
  m.post.referenced.push_back(quoted);
  layout("layout-quote", "a quote post: the quoted post's author and text in a box", m);

  m = b.post(ada, "And here is the picture that goes with it.");
  m.post.referenced.push_back(quoted);
  photo(m, 1600, 900, P::rings, 0x0B1E3F, 0x1D9BF0);
  layout("layout-quote-photo", "a quote post with a photo of its own", m);

  items::ReferencedPost gone;
  gone.type = "quoted";
  gone.id = "1861200000000000002";
  m = b.post(ada, "Quoting a post that has since been deleted.");
  m.post.referenced.push_back(gone);
  layout("layout-quote-missing",
         "a quote of a post the API did not include (deleted): \"This post is unavailable.\" in a box", m);

  items::ReferencedPost reposted;
  reposted.type = "retweeted";
  reposted.id = "1861200000000000003";
  reposted.text = "The booster landed on the droneship for the 25th time. Recovery crews are heading out now.";
  reposted.author = orbit.author;
  m = b.post(ada, RichText()
                      .plain("RT ")
                      .mention("orbit_daily")
                      .plain(": The booster landed on the droneship for the 25th time. Recovery crews "
                             "are heading out now."));
  m.post.referenced.push_back(reposted);
  layout("layout-repost", "a repost (\"RT @orbit_daily: ...\")", m);

  items::ReferencedPost replied;
  replied.type = "replied_to";
  replied.id = "1861200000000000004";
  replied.author = ada.author;
  m = b.post(orbit, RichText()
                        .mention("ada_lovelace")
                        .plain(" Congratulations on the launch! Which engine did you use for the upper stage?"));
  m.post.referenced.push_back(replied);
  layout("layout-reply", "a reply, starting with the @mention it answers", m);

  m = b.post(orbit, "Thank you for 10,000 followers! \U0001F389 Tomorrow: a live Q&A from mission control.");
  m.post.metrics = {.replies = 56, .reposts = 1234, .likes = 7890, .quotes = 12};
  layout("layout-metrics", "footer counts: 56 replies, 1234 reposts, 7890 likes, 12 quotes", m);

  m = b.post(orbit, "The landing video, one day later.");
  m.post.metrics = {.replies = 12034, .reposts = 345678, .likes = 1234567, .quotes = 9012};
  layout("layout-metrics-large", "footer counts in thousands and millions", m);

  m = b.post(ada, RichText()
                      .plain("Our ")
                      .hashtag("ClimateReport")
                      .plain(" 2026 is out, with ")
                      .mention("NOAA")
                      .plain(" and ")
                      .mention("NASAEarth")
                      .plain(". Markets noticed: ")
                      .cashtag("TSLA")
                      .plain(" ")
                      .cashtag("ENPH")
                      .plain(" up. Read it: ")
                      .url("https://t.co/Xy7Qa91LmB", "noaa.gov/climate-report-2…")
                      .plain(" ")
                      .hashtag("OpenData"));
  layout("layout-entities", "#hashtags, @mentions, $cashtags and a t.co link shown as its display URL", m);

  m = b.post(persona("noor_souk", "نور الهدى", 0x00BA7C, 0xFFD400, 0x6B3E26), RichText()
                                                         .plain("تقرير ")
                                                         .hashtag("المناخ")
                                                         .plain(" الجديد مع ")
                                                         .mention("orbit_daily")
                                                         .plain(" متاح الآن: ")
                                                         .url("https://t.co/Ar4bC9dE1f", "example.org/climate-ar"));
  layout("layout-entities-rtl", "entities inside Arabic text (the @mention must read @name)", m);

  m = b.post(ada, long_text());
  layout("layout-long", "a 25,000-character post: the smallest size, cut with an ellipsis", m);

  // Added after the others: a sample's id and time come from its place in the list.
  m = b.post(orbit, RichText()
                        .plain("Booster 14 is back on the pad after its 25th flight. Static fire at dawn, ")
                        .hashtag("Launch")
                        .plain(" window opens Thursday."));
  photo(m, 1600, 900, P::landscape, 0x0B1E3F, 0xFF7A00);
  m.post.metrics = {.replies = 214, .reposts = 1870, .likes = 15400, .quotes = 96};
  m.post.repost = items::Repost{ada.author, "1861200000000000005", at(5, 12)};
  // Sources also keep the repost's own reference: the label must not repeat it.
  m.post.referenced.push_back({"retweeted", "1861200000000000005", std::nullopt, orbit.author});
  layout("layout-repost-original",
         "a repost drawn as the original: \"Ada Lovelace reposted\", the original's author, time, text, "
         "photo and counts", m);

  const Persona mallory =
      persona("mallory", "Mallory \u2067\u202Eyrollam", 0xE11D48, 0x7856FF, 0xFFFFFF);
  m = b.post(mallory, "Names may hold bidi controls; they must not turn the label or the header around.");
  m.post.repost = items::Repost{author("hello_world", "\u202Edlrow olleh"), "1861200000000000006", at(4, 40)};
  items::ReferencedPost bidi_quote;
  bidi_quote.type = "quoted";
  bidi_quote.id = "1861200000000000007";
  bidi_quote.text = "The quoted author's name opens an embedding and closes an isolate it never opened.";
  bidi_quote.author = author("noor_souk", "\u2069\u202BNoor \u0646\u0648\u0631");
  m.post.referenced.push_back(bidi_quote);
  layout("layout-name-bidi",
         "names with bidi overrides (U+202E), an open isolate and a stray U+2069: each stays inside "
         "its name (\"hello world reposted\", \"Mallory mallory\")", m);

  m = b.post(ada, "A picture, and a quote of a post that was deleted.");
  m.post.referenced.push_back(gone);
  photo(m, 1600, 900, P::rings, 0x1D9BF0, 0x00BA7C);
  layout("layout-quote-missing-photo", "a post with a photo quoting a deleted post: the unavailable box", m);
}

// Bluesky and Mastodon posts: what they add to a card (link cards, content warnings, custom
// emoji, polls) and their handles (alice.bsky.social, a custom domain, user@instance).
void add_networks(SampleBuilder& b) {
  const Persona alice = persona("alice.bsky.social", "Alice Moreau", 0x0085FF, 0x7FC4FF, 0xFFE3C8);
  const Persona nadia = persona("nadia.example.com", "Nadia Okafor", 0x1B5E20, 0x81C784, 0x4E342E);
  const Persona wren = persona("wren.bsky.social", "Wren", 0x4A148C, 0xCE93D8, 0xFFF3E0);
  const Persona juno = persona("juno@mastodon.example", "Juno Halvorsen", 0x563ACC, 0x9C8CF0, 0xFFE0B2);
  const Persona pim = persona("pim@social.example.org", "Pim de Vries", 0xE65100, 0xFFCC80, 0x3E2723);
  const auto layout = [&b](std::string name, std::string summary, MediaPost media) {
    b.add(std::move(name), SampleGroup::layout, std::move(summary), std::move(media));
  };

  MediaPost m = b.post(alice, RichText()
                                  .plain("Wrote up what we learnt from a winter of counting birds at the reservoir: ")
                                  .url("https://field-notes.example.com/2026/winter-count", "field-notes.example.com/2026/wi…"));
  m.post.link = items::LinkCard{"https://www.field-notes.example.com/2026/winter-count",
                                "A winter of counting birds at the reservoir",
                                "Forty mornings, eleven volunteers and one very patient heron: what a season of counts "
                                "tells us about the lake, and what it does not.",
                                "https://cdn.bsky.example/img/feed_thumbnail/plain/winter-count@jpeg"};
  m.link_thumb = sample_picture(1200, 628, P::landscape, Color::rgb(0x5D8AA8), Color::rgb(0x4A6B3A));
  m.post.metrics = {.replies = 14, .reposts = 38, .likes = 412, .quotes = 3};
  layout("bluesky-link-card",
         "Bluesky: a link card with its picture, the site's host, title and description; a handle "
         "that is a domain", m);

  items::ReferencedPost quoted;
  quoted.type = "quoted";
  quoted.id = "at://did:plc:nadia/app.bsky.feed.post/3kq2";
  quoted.text = "First frost on the allotment this morning. The kale does not mind at all.";
  quoted.author = nadia.author;
  m = b.post(alice, "Same frost here, and two pictures of it:");
  m.post.referenced.push_back(quoted);
  photo(m, 1200, 900, P::rings, 0xB3E5FC, 0x0277BD);
  photo(m, 900, 1200, P::stripes, 0xE1F5FE, 0x4FC3F7);
  layout("bluesky-quote-photos",
         "Bluesky: a quote of a post by a custom-domain handle, with two pictures of its own", m);

  m = b.post(wren, "Ten seconds of starlings over the pier at dusk.");
  attach(m, "video", sample_picture(1280, 720, P::landscape, Color::rgb(0xFF8A65), Color::rgb(0x263238)),
         "A murmuration over a pier");
  m.post.metrics = {.replies = 2, .reposts = 19, .likes = 230, .quotes = 0};
  layout("bluesky-video", "Bluesky: a video by its thumbnail, with the play badge", m);

  m = b.post(nadia, RichText().plain("The allotment society's notes are up: ")
                        .url("https://allotments.example.org/notes", "allotments.example.org/notes"));
  m.post.link = items::LinkCard{"https://allotments.example.org/notes", "Winter notes from the allotment society", "",
                                ""};
  layout("bluesky-link-no-thumb", "Bluesky: a link card without a picture or description", m);

  m = b.post(juno, "The last ten minutes change everything we thought we knew about the captain. I did not "
                   "see it coming, and I have watched every episode twice.");
  m.post.content_warning = "Spoilers: the season finale of Orbit Quest";
  m.post.metrics = {.replies = 6, .reposts = 2, .likes = 31, .quotes = 0};
  layout("mastodon-content-warning",
         "Mastodon: a content warning drawn above the text (the text is shown too); a user@instance handle", m);

  const std::string wave = "https://mastodon.example/system/custom_emojis/images/000/001/blobwave.png";
  const std::string heart = "https://mastodon.example/system/custom_emojis/images/000/002/heart_cat.png";
  m = b.post(juno, RichText()
                       .plain("Good morning ")
                       .emoji("blobwave", wave)
                       .plain(" the new instance emoji are in! ")
                       .emoji("heart_cat", heart)
                       .emoji("heart_cat", heart)
                       .plain(" Thanks ")
                       .mention("pim@social.example.org")
                       .plain(" for drawing them. The ")
                       .emoji("party_parrot", "https://mastodon.example/system/custom_emojis/images/000/003/pp.gif")
                       .plain(" one did not load. ")
                       .hashtag("CustomEmoji"));
  m.emoji.emplace(wave, sample_emoji(64, EmojiShape::face, Color::rgb(0xFFC83D), Color::rgb(0x5D4037)));
  m.emoji.emplace(heart, sample_emoji(64, EmojiShape::heart, Color::rgb(0xE91E63), Color::rgb(0xFFFFFF)));
  layout("mastodon-emoji",
         "Mastodon: custom emoji drawn inline as pictures; one whose picture is missing keeps its :shortcode:", m);

  m = b.post(pim, "Which launch should we stream on Saturday?");
  m.post.poll = items::Poll{{{"Artemis rehearsal", 412}, {"Starship flight 14", 1230}, {"Vega-C", 96}, {"None, it's a weekend", 57}},
                            1795, false, true};
  m.post.metrics = {.replies = 44, .reposts = 12, .likes = 88, .quotes = 0};
  layout("mastodon-poll", "Mastodon: a closed poll, a bar and a percentage per option, the voters and \"Final results\"", m);

  m = b.post(pim, RichText().plain("Pick the talks you want recorded ").emoji("blobwave", wave));
  m.emoji.emplace(wave, sample_emoji(64, EmojiShape::face, Color::rgb(0xFFC83D), Color::rgb(0x5D4037)));
  m.post.content_warning = "Conference logistics";
  m.post.poll = items::Poll{{{"Rockets on a budget", std::nullopt}, {"Orbits for everyone", std::nullopt},
                             {"What the heron saw", std::nullopt}},
                            std::nullopt, true, false};
  layout("mastodon-poll-open",
         "Mastodon: an open multiple-choice poll whose votes are hidden (options only), under a content warning "
         "and an emoji", m);
}

void add_titles(SampleBuilder& b) {
  b.add("title", "the title card of a day", TitleInfo{"orbit_daily", "Orbit Daily", "2026-11-24", 12});
  b.add("title-rtl", "a title card with an Arabic display name",
        TitleInfo{"noor_souk", "نور الهدى", "2026-11-24", 1});
  b.add("title-no-posts", "the title card of a day without posts (no display name)",
        TitleInfo{"quiet_account", "", "2026-11-24", 0});
  b.add("end", "the end card: the day's posts and summed counts",
        EndInfo{"orbit_daily", "2026-11-24", 12, items::Metrics{301, 1014, 61204, 103}});
  b.add("end-no-counts", "the end card of a day whose source has no counts (an archive)",
        EndInfo{"harbor_notes", "2026-11-24", 1, {}});
  b.add("title-reposts", "a title card counting the handle's own posts and its reposts apart",
        TitleInfo{"orbit_daily", "Orbit Daily", "2026-11-24", 9, 3});
  b.add("end-reposts", "an end card: own posts, reposts, and counts summed over the own posts only",
        EndInfo{"orbit_daily", "2026-11-24", 9, items::Metrics{214, 803, 40210, 77}, 3});
}

}  // namespace

std::vector<CardSample> card_samples() {
  SampleBuilder builder;
  add_scripts(builder);
  add_layouts(builder);
  add_networks(builder);
  add_titles(builder);
  return builder.done();
}

std::vector<CardSample> hostile_samples() {
  std::string zwj;
  for (int i = 0; i < 10000; ++i) zwj += "\u200D";
  std::string combining = "Z";
  for (int i = 0; i < 2000; ++i) combining += (i % 2 ? "\u0301" : "\u0336");
  combining += " and ";
  for (int stack = 0; stack < 50; ++stack) {
    combining += "e";
    for (int i = 0; i < 40; ++i) combining += "\u0308";
  }
  std::string invalid;
  for (int i = 0; i < 3000; ++i) invalid += static_cast<char>((i * 73 + 11) % 256);
  std::string controls;
  for (int i = 0; i < 2000; ++i) controls += static_cast<char>(i % 32);
  controls += "\x7F visible";
  std::string bidi = "\u202Eevil override\u202D nested \u2067 isolate \u202B embed ";
  bidi.append(300, 'a').append(" \u202C\u202C\u202C\u2069\u2069 \u200F\u200E").append(500, '\xD8');
  std::string joined_emoji;
  for (int i = 0; i < 2000; ++i) joined_emoji += "\U0001F468\u200D";
  std::string long_post;
  while (long_post.size() < 25000) long_post += "Twenty-five thousand characters, in words. ";
  long_post.resize(25000);

  SampleBuilder b;
  auto add = [&b](std::string name, std::string summary, const std::string& text) {
    // The quoted post and the names of the author and of who reposted it carry the same
    // text, and so do its content warning, link card and poll options: every text path sees it.
    MediaPost media = b.post(Author{"66", text, "hostile", ""}, text);
    media.post.referenced.push_back({"quoted", "67", text, Author{"68", text, "quoted", ""}});
    media.post.repost = items::Repost{Author{"69", text, "reposter", ""}, "70", {}};
    media.post.content_warning = text;
    media.post.link = items::LinkCard{std::string("https://example.com/").append(text), text, text, ""};
    media.post.poll = items::Poll{{{text, 3}, {text, 1}, {text, 0}}, 4, false, true};
    b.add(std::move(name), SampleGroup::hostile, std::move(summary), std::move(media));
  };
  add("hostile-zwj", "10,000 zero-width joiners in a row", zwj);
  add("hostile-combining", "stacks of combining marks (2,000 on one letter, 40 on fifty)", combining);
  add("hostile-invalid-utf8", "3,000 bytes that are mostly not UTF-8", invalid);
  add("hostile-controls", "2,000 control characters", controls);
  add("hostile-bidi", "unbalanced bidi overrides, embeddings and isolates", bidi);
  add("hostile-joined-emoji", "2,000 emoji joined by ZWJ into one cluster", joined_emoji);
  add("hostile-word", "a single 5,000-character word", std::string(5000, 'w'));
  add("hostile-long", "25,000 characters", long_post);

  // 10,000 custom emoji in a row, each its own entity, all with the one picture.
  RichText emoji;
  const std::string url = "https://mastodon.example/emoji/blob.png";
  for (int i = 0; i < 10000; ++i) emoji.emoji("blob", url);
  MediaPost media = b.post(Author{"71", "Emoji", "emoji@mastodon.example", ""}, emoji);
  media.emoji.emplace(url, sample_emoji(32, EmojiShape::face, Color::rgb(0xFFC83D), Color::rgb(0x5D4037)));
  b.add("hostile-custom-emoji", SampleGroup::hostile, "10,000 custom emoji in a row, each drawn as its picture",
        std::move(media));
  return b.done();
}

std::vector<CardSample> card_samples(SampleGroup group) {
  std::vector<CardSample> all = card_samples();
  std::erase_if(all, [group](const CardSample& s) { return s.group != group; });
  return all;
}

const CardSample& sample_named(const std::vector<CardSample>& samples, std::string_view name) {
  for (const CardSample& sample : samples)
    if (sample.name == name) return sample;
  throw std::out_of_range("no card sample named '" + std::string(name) + "'");
}

Canvas render_sample(CardRenderer& renderer, const CardSample& sample) {
  return std::visit(
      [&renderer](const auto& card) -> Canvas {
        using T = std::decay_t<decltype(card)>;
        if constexpr (std::is_same_v<T, items::MediaPost>)
          return renderer.render_post(card).canvas;
        else if constexpr (std::is_same_v<T, TitleInfo>)
          return renderer.render_title(card).canvas;
        else if constexpr (std::is_same_v<T, EndInfo>)
          return renderer.render_end(card).canvas;
        else
          static_assert(sizeof(T) == 0, "render_sample: a kind of card without its render call");
      },
      sample.card);
}

}  // namespace pipectl::render
