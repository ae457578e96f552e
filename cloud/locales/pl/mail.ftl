# Inkaso — e-maile o sprawach w kancelariach (services::case_mail): zestawienie nowych spraw
# dla kancelarii i wiadomość dla wierzyciela o zmianach, które wprowadziła kancelaria.
# Identyfikatory: mail-…. Liczby mnogie według CLDR: one, few, many.

## Zestawienie nowych spraw dla kancelarii
mail-digest-subject = Inkaso: { $count ->
    [one] nowa sprawa
    [few] { $count } nowe sprawy
   *[many] { $count } nowych spraw
} — { $firm }
mail-digest-intro = { $count ->
    [one] { $firm }: od ostatniego zestawienia wierzyciele przekazali nową sprawę:
    [few] { $firm }: od ostatniego zestawienia wierzyciele przekazali { $count } nowe sprawy:
   *[many] { $firm }: od ostatniego zestawienia wierzyciele przekazali { $count } nowych spraw:
}
mail-digest-line = • { $creditor } — { $debtor }, { $amount }, przekazana { $day }
mail-digest-more = …i { $count ->
    [one] jeszcze jedna
    [few] jeszcze { $count }
   *[many] jeszcze { $count }
} (wszystkie w portalu).
mail-digest-waiting = { $count ->
    [one] Na decyzję (przyjęcie albo odrzucenie) czeka { $count } sprawa.
    [few] Na decyzję (przyjęcie albo odrzucenie) czekają { $count } sprawy.
   *[many] Na decyzję (przyjęcie albo odrzucenie) czeka { $count } spraw.
}
mail-digest-open = Nowe sprawy w portalu: { $url }
mail-digest-footer = Zestawienie przychodzi { $every }, nie wcześniej niż o { $hour }:00, gdy są nowe sprawy. Częstotliwość i adresatów zmienia administrator kancelarii w portalu: Zespół → Powiadomienia e-mail.
mail-every-daily = raz dziennie
mail-every-weekly = raz w tygodniu (w poniedziałek)

## Zmiany w sprawach dla wierzyciela
mail-news-subject = Inkaso: { $count ->
    [one] kancelaria zmieniła sprawę dłużnika { $debtor }
    [few] kancelaria zmieniła { $count } sprawy
   *[many] kancelaria zmieniła { $count } spraw
}
mail-news-intro = Kancelarie, którym przekazali Państwo sprawy, wprowadziły zmiany:
mail-news-case = • { $debtor } ({ $amount }) — { $partner }
mail-news-status = { $at }: stan „{ $from }” → „{ $to }”
mail-news-payment = { $at }: wpłata { $amount } z dnia { $day } (ugoda)
mail-news-note = { $note }
mail-news-open = Sprawa w portalu: { $url }
mail-news-footer = Te wiadomości wyłącza albo kieruje do innych osób administrator w portalu: Administracja → Powiadomienia e-mail.
