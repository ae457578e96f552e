-- Symfonia Handel (Sage) -- EXPERIMENTAL, research erp-schemas.md §7: the NIP, e-mail and
-- phone columns were not found in any public source, so the query sends none of them; the
-- remaining amount is walbrutto minus the settled payments (HM.PN), unverified on a live base.
SELECT
  c.Id                                                           AS debtor_external_id,
  c.Name                                                         AS debtor_name,
  NULL                                                           AS debtor_nip,
  NULL                                                           AS debtor_email,
  NULL                                                           AS debtor_phone,
  0                                                              AS debtor_is_person,
  NULL                                                           AS debtor_street,
  NULL                                                           AS debtor_city,
  NULL                                                           AS debtor_postcode,
  dk.id                                                          AS doc_external_id,
  dk.kod                                                         AS doc_number,
  dk.data                                                        AS issue_date,
  COALESCE(pn.termin, dk.plattermin)                             AS due_date,
  dk.walbrutto                                                   AS gross_amount,
  dk.walbrutto - COALESCE(pn.rozliczono, 0)                      AS remaining_amount,
  COALESCE(NULLIF(dk.waluta, ''), 'PLN')                         AS currency,
  0                                                              AS excluded_flag
FROM HM.DK dk
JOIN SSCommon.STContractors c ON c.Id = dk.khid
LEFT JOIN (SELECT p.dkid, SUM(COALESCE(p.kwotarozl, 0)) AS rozliczono, MAX(p.Termin) AS termin
             FROM HM.PN p GROUP BY p.dkid) pn ON pn.dkid = dk.id
WHERE dk.anulowany = 0
  AND dk.aktywny = 1
  AND dk.typ_dk IN ('FVS', 'FS', 'FVK', 'KFS')
  AND dk.walbrutto - COALESCE(pn.rozliczono, 0) > 0.005
ORDER BY c.Id, dk.plattermin
