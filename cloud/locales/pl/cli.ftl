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

