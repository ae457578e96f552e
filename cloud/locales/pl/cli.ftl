# Inkaso — wydruki i błędy wiersza poleceń `inkaso-cloud` po polsku (język źródłowy; `--lang pl`).
# Linie `klucz: wartość` (tenant_id, agent_id, token_id…) nie są tłumaczone: czytają je skrypty.

## Ogólne
cli-unknown-lang = nieznany język „{ $lang }” (dostępne: pl, en)
cli-version = inkaso-cloud { $version } (protokół synchronizacji v{ $protocol })
cli-db-open-failed = nie udało się otworzyć bazy danych
# Odmowa z polem: $field to ścieżka pola, $reason — dlaczego.
cli-invalid = { $field }: { $reason }
cli-migrated = Migracje zastosowane ({ $backend }).
cli-callback-base-missing = podaj --base https://adres-uslugi albo [smsapi] notify_url w pliku konfiguracji

## Firmy, użytkownicy, agenci, kancelarie, tokeny API
# Po komunikacie CLI wypisuje linię `user_id: …` (`tenant_id: …` itd.) bez tłumaczenia: czytają ją skrypty.
cli-user-added = Dodano użytkownika { $email } (rola { $role }).
cli-password-once = Hasło (pokazywane tylko raz): { $password }
cli-firm-created = Utworzono firmę „{ $name }”.
cli-agent-created = Utworzono agenta „{ $name }”.
# Skrypty biorą token jako ostatnie słowo linii.
cli-token-once = Token (pokazywany tylko raz): { $token }
cli-agent-revoked = Odwołano token agenta { $agent }.
cli-agent-rotated = Nowy token agenta { $agent } (pokazywany tylko raz; poprzedni już nie działa): { $token }
cli-partner-created = Utworzono kancelarię „{ $name }”.
cli-partner-linked-to = Powiązano z firmą { $client }.
cli-partner-linked = Powiązano kancelarię { $partner } z firmą { $tenant }.
cli-api-token-created = Utworzono token API „{ $name }” (rola { $role }).
cli-api-token-revoked = Odwołano token API { $token }.

## Procesy i przebieg (`process set|list`, `run`)
cli-as-of-invalid = --as-of: podaj dzień RRRR-MM-DD albo chwilę RFC 3339, nie „{ $text }”
cli-file-invalid = { $path }: { $reason }
cli-process-saved = Zapisano proces „{ $code }”.
cli-no-processes = Brak procesów.
cli-process-line = { $code } — { $name } ({ $stages } { $stages ->
    [one] etap
    [few] etapy
   *[many] etapów
})
cli-process-line-default = { $code } [domyślny] — { $name } ({ $stages } { $stages ->
    [one] etap
    [few] etapy
   *[many] etapów
})
# Przesunięcie etapu względem terminu płatności („+7 dni”); $days bez znaku.
cli-stage-days = { $days ->
    [one] dzień
   *[other] dni
}
cli-test-mode-recorded = Tryb testowy: zarejestrowano zamiast wysłać: { $count }
# Kolumna wydruku `run`: co się stało z akcją.
cli-tick-planned = zaplanowano
cli-tick-sent = wysłano
cli-tick-failed = błąd
cli-tick-retried = ponowienie
cli-tick-held = wstrzymano
cli-tick-skipped = pominięto
cli-tick-replanned = do ponownego planu
cli-tick-debtor-error = błąd dłużnika
cli-tick-debtor-stats = Statystyki płatności wysłane agentom: { $count } { $count ->
    [one] dłużnik
    [few] dłużników
   *[many] dłużników
}


## Statystyki z pliku historii (`stats predict|backtest|market`)
cli-history-header = { $path }: nagłówek ma być „{ $expected }”, jest „{ $found }”
# $reason: dlaczego wiersz odrzucono (jeden z komunikatów cli-history-* niżej).
cli-history-refused = { $path }:{ $line }: { $field }: { $reason }
cli-history-not-csv = to nie jest poprawny wiersz CSV ({ $reason })
cli-history-columns = { $count } { $count ->
    [one] kolumna
    [few] kolumny
   *[many] kolumn
}, a ma być 9
cli-history-empty = pole jest puste
cli-history-date = podaj dzień RRRR-MM-DD, nie „{ $value }”
cli-history-sector = sekcja PKD to jedna litera A–U albo puste pole, nie „{ $value }”
cli-history-due-before-issue = termin płatności { $value } jest przed datą wystawienia
cli-history-amount = kwota w groszach to liczba całkowita, nie „{ $value }”
cli-history-currency = kod waluty ISO to trzy litery, nie „{ $value }”
cli-history-paid-before-issue = dzień zapłaty { $value } jest przed datą wystawienia
cli-history-duplicate = ten dokument tej firmy jest już w wierszu { $first }
cli-history-read = Wczytano { $count } { $count ->
    [one] wiersz
    [few] wiersze
   *[many] wierszy
}; odrzucono: { $refused }.
cli-stats-predicted = Przewidziano dzień zapłaty { $count } { $count ->
    [one] otwartego dokumentu
   *[other] otwartych dokumentów
} → { $path }
cli-stats-backtest-title = Sprawdzenie wstecz na { $as_of }: uczone na zapłatach do tego dnia, porównane z zapłatami po nim
cli-stats-col-method = metoda
cli-stats-col-documents = dokumenty
cli-stats-col-mae = MAE (dni)
cli-stats-col-coverage = P10–P90
cli-stats-col-width = szer. (dni)
cli-stats-method-due-date = zapłaci w terminie
cli-stats-method-debtor-median = mediana opóźnień dłużnika
cli-stats-method-full = przewidywanie Inkaso
cli-stats-below-baseline = MAE przewidywania o { $percent }% niższe niż „{ $baseline }”
cli-market-title = Porównanie z rynkiem na { $as_of }: terminy { $before_from } – { $before_to } wobec { $recent_from } – { $recent_to } (dokument liczony po { $horizon } dniach od terminu)
cli-market-col-tenant = firma
cli-market-col-verdict = ocena
cli-market-col-own-before = firma: przed
cli-market-col-own-recent = firma: teraz
cli-market-col-market-before = rynek: przed
cli-market-col-market-recent = rynek: teraz
cli-market-col-sector = sekcja
cli-market-col-size = wielkość
cli-market-col-documents = dokumenty
cli-market-col-tenants = firmy
cli-market-col-before = przed
cli-market-col-recent = teraz
cli-market-verdict-stable = bez zmian
cli-market-verdict-improved = poprawa
cli-market-verdict-sector = jak w jej branżach
cli-market-verdict-own = gorzej niż branże
cli-market-verdict-unknown = za mało danych
