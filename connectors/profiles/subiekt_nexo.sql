-- Subiekt nexo (InsERT) -- EXPERIMENTAL, research erp-schemas.md §8: the table holding the
-- remaining amount of a settlement was not found, so this query lists documents with their
-- payment terms and treats the whole payment as still due. It CANNOT tell paid from unpaid.
SELECT
  p.Id                                                           AS debtor_external_id,
  p.NazwaSkrocona                                                AS debtor_name,
  NULLIF(p.NIP, '')                                              AS debtor_nip,
  (SELECT MIN(kt.Wartosc) FROM ModelDanychContainer.Kontakty kt
    WHERE kt.Podmiot_Id = p.Id AND kt.Rodzaj_Id = 3)             AS debtor_email,
  NULLIF(p.Telefon, '')                                          AS debtor_phone,
  0                                                              AS debtor_is_person,
  NULL                                                           AS debtor_street,
  NULL                                                           AS debtor_city,
  NULL                                                           AS debtor_postcode,
  pl.Id                                                          AS doc_external_id,
  d.NumerWewnetrzny_PelnaSygnatura                               AS doc_number,
  d.DataWydaniaWystawienia                                       AS issue_date,
  pl.Termin                                                      AS due_date,
  pl.KwotaPlatnosci                                              AS gross_amount,
  pl.KwotaPlatnosci                                              AS remaining_amount,
  w.Symbol                                                       AS currency,
  0                                                              AS excluded_flag
FROM ModelDanychContainer.Dokumenty d
JOIN ModelDanychContainer.PlatnosciDokumentow pl ON pl.DokumentId = d.Id
JOIN ModelDanychContainer.Podmioty p ON p.Id = d.PodmiotId
LEFT JOIN ModelDanychContainer.Waluty w ON w.Id = d.Dokument_Waluta_Id
WHERE d.Symbol IN ('FS', 'PA')
ORDER BY p.Id, pl.Termin
