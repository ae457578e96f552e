# Inkaso — komunikaty po polsku (język źródłowy). Słownictwo: ../shared/design/portal.md.
# Liczby mnogie według CLDR: one (1), few (2–4, 22–24…), many (0, 5–21, 25…), other (ułamki).

nav-dashboard = Pulpit
nav-debtors = Dłużnicy
nav-documents = Dokumenty
nav-processes = Procesy
nav-history = Historia działań
nav-cases = Sprawy
cases-title = Sprawy w kancelarii
nav-settings = Ustawienia

debtors-count = { $count ->
    [one] { $count } dłużnik
    [few] { $count } dłużników
   *[many] { $count } dłużników
}
documents-count = { $count ->
    [one] { $count } dokument
    [few] { $count } dokumenty
   *[many] { $count } dokumentów
}
days-overdue = { $days ->
    [one] { $days } dzień po terminie
   *[other] { $days } dni po terminie
}
overdue-summary = Przeterminowane: { $amount } w { $count ->
    [one] { $count } dokumencie
   *[other] { $count } dokumentach
}
test-mode-banner = Tryb testowy: żadna wiadomość nie trafia do dłużników.
