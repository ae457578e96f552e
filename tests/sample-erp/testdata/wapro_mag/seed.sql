-- WAPRO Mag sample data. Dates: 81462 = 2024-01-10, 81476 = 2024-01-24, 81493 = 2024-02-10,
-- 81507 = 2024-02-24, 81457 = 2024-01-05, 81513 = 2024-03-01.
--  1 Dąb       company; open invoice with a negative POZOSTALO (sign as in WAPRO's view), partly
--              paid invoice, paid invoice, a liability (STRONA MA), an FK correction (excluded
--              by prefix), an instalment without a due date (quarantine), an invoice of
--              company 2 (filtered by company_id = 1)
--  2 Kaczmarek person (PESEL, no NIP) with a landline only: two instalments, an EUR invoice
--  3, 4        payment operator and internal contractor: never debtors
INSERT INTO KONTRAHENT (ID_KONTRAHENTA,NAZWA,NAZWA_PELNA,NIP,PESEL,ADRES_EMAIL,TELEFON_FIRMOWY,ULICA_LOKAL,MIEJSCOWOSC,KOD_POCZTOWY,OPERATOR_PLATNOSCI,WEWNETRZNY) VALUES
 (1,'DAB','Firma Budowlana „Dąb” Sp. z o.o.','6760000003','','biuro@dab.pl','501 100 200','ul. Leśna 1','Białystok','15-001','0','0'),
 (2,'KACZMAREK','Zofia Kaczmarek','','80010112345','','12 421 00 00','ul. Miodowa 4/6','Kraków','31-055','0','0'),
 (3,'PRZELEWY','Operator Płatności S.A.','2220000003','','','','','','','1','0'),
 (4,'MAGAZYN','Magazyn własny','','','','','','','','0','1');
INSERT INTO ROZRACHUNEK (ID_ROZRACHUNKU,ID_FIRMY,ID_KONTRAHENTA,STRONA,NR_DOK,DATA_DOK,TERMIN_PLATNOSCI,KWOTA,KWOTA_W,POZOSTALO,POZOSTALO_W,SYM_WALUTY,CZY_ROZLICZONY) VALUES
 (1,1,1,'WN','FV 1/2024',81462,81476,1230,0,-1230,0,'PLN',0),
 (2,1,1,'WN','FV 2/2024',81462,81493,500,0,200,0,'PLN',1),
 (3,1,1,'WN','FV 3/2024',81462,81476,300,0,0,0,'PLN',2),
 (4,1,1,'MA','FZ 4/2024',81462,81476,700,0,700,0,'PLN',0),
 (5,1,1,'WN','FK 1/2024',81462,81476,50,0,50,0,'PLN',0),
 (6,1,1,'WN','FV 5/2024',81462,0,60,0,60,0,'PLN',0),
 (7,2,1,'WN','FV 6/2024',81462,81476,70,0,70,0,'PLN',0),
 (8,1,2,'WN','FV 7/2024',81457,81476,200,0,200,0,'PLN',0),
 (9,1,2,'WN','FV 7/2024',81457,81507,200,0,150,0,'',1),
 (10,1,2,'WN','FV 8/2024',0,81513,430,100,430,100,'EUR',0),
 (11,1,3,'WN','FV 9/2024',81462,81476,10,0,10,0,'PLN',0),
 (12,1,4,'WN','FV 10/2024',81462,81476,11,0,11,0,'PLN',0);
