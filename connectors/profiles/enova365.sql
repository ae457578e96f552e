-- enova365 (Soneta): open receivables from the settlement index (RozrachunkiIdx, Typ = 10).
-- Research: erp-schemas.md §5. Native "do not collect" flags: Kontrahenci.NieWindykowac (1) and
-- Platnosci.NieWindykowac (2). AdresKodPocztowy may be an integer: formatted in Rust.
SELECT
  k.ID                                                           AS debtor_external_id,
  k.Nazwa                                                        AS debtor_name,
  NULLIF(k.NIP, '')                                              AS debtor_nip,
  NULLIF(k.KontaktEMAIL, '')                                     AS debtor_email,
  NULLIF(k.KontaktTelefonKomorkowy, '')                          AS debtor_phone,
  CASE WHEN k.StatusPodmiotu = 1 THEN 1 ELSE 0 END               AS debtor_is_person,
  CASE WHEN k.StatusPodmiotu = 1 THEN a.AdresUlica END           AS debtor_street,
  CASE WHEN k.StatusPodmiotu = 1 THEN NULLIF(a.AdresNrDomu, '') END
                                                                 AS debtor_house_no,
  CASE WHEN k.StatusPodmiotu = 1 THEN NULLIF(a.AdresNrLokalu, '') END
                                                                 AS debtor_flat_no,
  CASE WHEN k.StatusPodmiotu = 1 THEN a.AdresMiejscowosc END     AS debtor_city,
  CASE WHEN k.StatusPodmiotu = 1 THEN a.AdresKodPocztowy END     AS debtor_postcode,
  p.ID                                                           AS doc_external_id,
  COALESCE(NULLIF(p.NumerDokumentu, ''), r.Numer)                AS doc_number,
  COALESCE(p.DataDokumentu, r.Data)                              AS issue_date,
  r.Termin                                                       AS due_date,
  r.KwotaValue                                                   AS gross_amount,
  r.KwotaValue - r.KwotaRozliczonaValue                          AS remaining_amount,
  r.KwotaSymbol                                                  AS currency,
  CASE WHEN k.NieWindykowac = 1 THEN 1
       WHEN p.NieWindykowac = 1 THEN 2
       ELSE 0 END                                                AS excluded_flag
FROM RozrachunkiIdx r
JOIN Platnosci p   ON p.ID = r.Dokument AND r.DokumentType = 'Platnosci'
JOIN Kontrahenci k ON k.ID = r.Podmiot  AND r.PodmiotType  = 'Kontrahenci'
LEFT JOIN Adresy a ON a.Host = k.ID AND a.HostType = 'Kontrahenci' AND a.Typ = 1
WHERE r.Typ = 10
  AND p.Bufor = 0
  AND r.KwotaValue - r.KwotaRozliczonaValue > 0
ORDER BY k.ID, r.Termin
