# Inkaso — wydruki i błędy wiersza poleceń `inkaso-cloud` po polsku (język źródłowy).
# Linie `klucz: wartość` (tenant_id, agent_id, token_id…) nie są tłumaczone: czytają je skrypty.

## Wydruk `inkaso-cloud run`
# Kolumna wydruku: co się stało z akcją.
cli-tick-planned = zaplanowano
cli-tick-sent = wysłano
cli-tick-failed = błąd
cli-tick-retried = ponowienie
cli-tick-held = wstrzymano
cli-tick-skipped = pominięto
cli-tick-replanned = do ponownego planu
cli-tick-debtor-error = błąd dłużnika
