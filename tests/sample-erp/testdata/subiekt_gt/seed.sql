-- Subiekt GT sample data. What each row is for:
--  1 ACME         company, NIP with dashes, landline only (+ an empty SMS row), open PLN + EUR,
--                 a document flagged "do not collect" (flag 8), a settled opening balance, a
--                 purchase liability, a row without a number and a row without a due date
--  2 Kowalski     person with address, partly paid invoice, a correction (KOR/, excluded by
--                 prefix), a 5 zł remainder (below minimum), unknown currency, remaining > amount,
--                 remaining 0 in document currency
--  3 PayU         card-payment operator (kh_CentrumAut): never a debtor
--  4 Nowak        person flagged "Nie windykować" (contractor flag 7)
--  5 Źdźbło       company with diacritics, one invoice in three instalments (one paid, one partly),
--                 mobile written +48 (601) 234-567, invalid e-mail
--  6, 7           companies excluded by the configuration (NIP list, id list)
--  8, 9           two persons sharing one mobile, written 0048 512 345 678 and 512345678
-- 10 Bank Ratalny instalment lender (sl_FormaPlatnosci.fp_InstKredytId): never a debtor
-- 11             contractor without a name: both its documents go to quarantine
-- 12 Müller       foreign company: foreign NIP (invalid as Polish), foreign phone, no e-mail, EUR
-- 13 Żółw         person with an invalid phone and no postcode
INSERT INTO kh__Kontrahent (kh_Id,kh_Symbol,kh_EMail,kh_Osoba,kh_CentrumAut,kh_InstKredytowa) VALUES
 (1,'ACME','biuro@acme.pl',0,0,0),
 (2,'KOWALSKI','jan@kowalski.pl',1,0,0),
 (3,'PAYU','',0,1,0),
 (4,'NOWAK','',1,0,0),
 (5,'ZDZBLO','biuro(at)zdzblo.pl',0,0,0),
 (6,'WYKL-NIP','ksiegowosc@wykluczona.pl',0,0,0),
 (7,'WYKL-ID','biuro@wykluczona-id.pl',0,0,0),
 (8,'WISNIEWSKA','ewa@wisniewska.pl',1,0,0),
 (9,'WISNIEWSKI','',1,0,0),
 (10,'RATY','',0,0,0),
 (11,'BEZNAZWY','',0,0,0),
 (12,'MULLER','',0,0,0),
 (13,'ZOLW','lucja@zolw.pl',1,0,0);
INSERT INTO adr__Ewid (adr_Id,adr_IdObiektu,adr_TypAdresu,adr_Nazwa,adr_NazwaPelna,adr_Telefon,adr_Adres,adr_Kod,adr_Miejscowosc,adr_NIP) VALUES
 (101,1,1,'ACME','ACME Sp. z o.o.','22 111 22 33','ul. Prosta 1','00-001','Warszawa','525-000-00-09'),
 (102,2,1,'Kowalski','Jan Kowalski','','ul. Krzywa 5/2','30-001','Kraków',''),
 (103,3,1,'PayU','PayU S.A.','','ul. Grunwaldzka 1','60-001','Poznań',''),
 (104,4,1,'Nowak','Anna Nowak','','ul. Polna 3','80-001','Gdańsk',''),
 (105,5,1,'Źdźbło','Zakład Usług Różnych „Źdźbło” Sp. j.','','ul. Łąkowa 7','90-001','Łódź','PL 676 000 00 03'),
 (106,6,1,'Wykluczona','Firma Wykluczona NIP Sp. z o.o.','','ul. Boczna 2','00-002','Warszawa','7790000008'),
 (107,7,1,'WyklId','Firma Wykluczona ID S.A.','','ul. Boczna 4','00-002','Warszawa','9510000009'),
 (108,8,1,'Wiśniewska','Ewa Wiśniewska','','ul. Słoneczna 10 m. 4','02-495','Warszawa',''),
 (109,9,1,'Wiśniewski','Piotr Wiśniewski','','ul. Słoneczna 10 m. 4','02-495','Warszawa',''),
 (110,10,1,'Raty','Bank Ratalny S.A.','','ul. Kredytowa 1','00-003','Warszawa','2220000003'),
 (111,11,1,'','','','','','',''),
 (112,12,1,'Müller','Müller Handels GmbH','+49 30 1234567','Hauptstraße 1','10115','Berlin','DE123456789'),
 (113,13,1,'Żółw','Łucja Żółw','','ul. Ślimacza 8','','Zielona Góra',''),
 (114,1,2,'ACME','ACME Sp. z o.o. (korespondencja)','','ul. Inna 9','00-009','Warszawa','');
INSERT INTO tel__Ewid (tel_Id,tel_IdAdresu,tel_Numer,tel_Podstawowy,tel_SMS) VALUES
 (1,101,'22 111 22 44',1,0),
 (2,102,'600100200',1,1),
 (3,105,'+48 (601) 234-567',0,1),
 (4,108,'0048 512 345 678',1,1),
 (5,109,'512345678',1,0),
 (6,113,'123',1,1),
 (7,101,'',0,1);
INSERT INTO sl_FormaPlatnosci (fp_Id,fp_Nazwa,fp_CentId,fp_InstKredytId) VALUES
 (1,'gotówka',NULL,NULL),
 (2,'raty',NULL,10);
INSERT INTO dok__Dokument (dok_Id,dok_Typ,dok_NrPelny,dok_DataWyst,dok_PlatnikId,dok_PlatTermin,dok_WartBrutto,dok_Waluta) VALUES
 (1000,2,'FS 1/2024','2024-01-10',1,'2024-01-24',1230,'PLN'),
 (1001,2,'FS 2/2024','2024-01-11',2,'2024-01-25',500,'PLN'),
 (1002,2,'FS 3/2024','2024-01-12',1,'2024-01-26',100,'EUR'),
 (1003,2,'FS 4/2024','2024-01-13',3,'2024-01-13',99,'PLN'),
 (1004,2,'FS 5/2024','2024-01-14',4,'2024-01-28',70,'PLN'),
 (1005,2,'FS 6/2024','2024-02-01',5,'2024-04-15',300,'PLN'),
 (1006,2,'FS 7/2024','2024-02-06',1,'2024-02-20',250,'PLN'),
 (1007,6,'KOR/1/2024','2024-02-02',2,'2024-02-16',80,'PLN'),
 (1008,2,'FS 8/2024','2024-02-03',6,'2024-02-17',400,'PLN'),
 (1009,2,'FS 9/2024','2024-02-03',7,'2024-02-17',410,'PLN'),
 (1010,2,'FS 10/2024','2024-02-04',8,'2024-02-18',150,'PLN'),
 (1011,2,'FS 11/2024','2024-02-04',9,'2024-02-18',160,'PLN'),
 (1012,2,'FS 12/2024','2024-02-05',10,'2024-02-19',170,'PLN'),
 (1013,2,'FS 13/2024','2024-02-05',11,'2024-02-19',180,'PLN'),
 (1014,2,'FS 14/2024','2024-02-05',11,'2024-02-20',190,'PLN'),
 (1015,2,'FS 15/2024','2024-02-06',12,'2024-02-20',210.55,'EUR'),
 (1016,2,'FS 16/2024','2024-02-06',13,'2024-02-20',220,'PLN'),
 (1017,2,'FS 17/2024','2024-02-07',2,'2024-03-05',5,'PLN'),
 (1018,2,'FS 18/2024','2024-02-07',1,NULL,90,'PLN'),
 (1019,2,'FS 19/2024','2024-02-08',2,'2024-03-06',91,'PLN'),
 (1020,2,'FS 20/2024','2024-02-08',2,'2024-03-07',500,'PLN'),
 (1021,2,'FS 21/2024','2024-02-08',2,'2024-03-08',10,'PLN');
INSERT INTO nz__Finanse (nzf_Id,nzf_Typ,nzf_Podtyp,nzf_TypObiektu,nzf_IdObiektu,nzf_IdDokumentAuto,nzf_NumerPelny,nzf_Data,nzf_TerminPlatnosci,nzf_WartoscPierwotna,nzf_WartoscPierwotnaWaluta,nzf_Wartosc,nzf_WartoscWaluta,nzf_IdWaluty,nzf_Status,nzf_DataOstatniejSplaty) VALUES
 (1,39,1,1,1,1000,'FS 1/2024','2024-01-10','2024-01-24',1230,1230,1230,1230,'PLN',1,NULL),
 (2,39,1,1,2,1001,'FS 2/2024','2024-01-11','2024-01-25',500,500,200,200,'PLN',1,'2024-02-01'),
 (3,39,1,1,1,1002,'FS 3/2024','2024-01-12','2024-01-26',432.10,100,432.10,100,'EUR',1,NULL),
 (4,39,4,1,3,1003,'FS 4/2024','2024-01-13','2024-01-13',99,99,99,99,'PLN',1,NULL),
 (5,39,1,1,1,NULL,'BO/ACME','2023-12-31','2024-01-15',50,50,0,0,'PLN',1,'2024-01-05'),
 (6,40,1,1,1,NULL,'FZ 9/2024','2024-01-05','2024-01-19',300,300,300,300,'PLN',1,NULL),
 (7,39,1,1,4,1004,'FS 5/2024','2024-01-14','2024-01-28',70,70,70,70,'PLN',1,NULL),
 (8,39,1,1,5,1005,'FS 6/2024','2024-02-01','2024-02-15',100,100,0,0,'PLN',1,'2024-02-14'),
 (9,39,1,1,5,1005,'FS 6/2024','2024-02-01','2024-03-15',100,100,100,100,'PLN',1,NULL),
 (10,39,1,1,5,1005,'FS 6/2024','2024-02-01','2024-04-15',100,100,60,60,'PLN',1,'2024-04-10'),
 (11,39,1,1,1,1006,'FS 7/2024','2024-02-06','2024-02-20',250,250,250,250,'PLN',1,NULL),
 (12,39,1,1,2,1007,'KOR/1/2024','2024-02-02','2024-02-16',80,80,80,80,'PLN',1,NULL),
 (13,39,1,1,6,1008,'FS 8/2024','2024-02-03','2024-02-17',400,400,400,400,'PLN',1,NULL),
 (14,39,1,1,7,1009,'FS 9/2024','2024-02-03','2024-02-17',410,410,410,410,'PLN',1,NULL),
 (15,39,1,1,8,1010,'FS 10/2024','2024-02-04','2024-02-18',150,150,150,150,'PLN',1,NULL),
 (16,39,1,1,9,1011,'FS 11/2024','2024-02-04','2024-02-18',160,160,160,160,'PLN',1,NULL),
 (17,39,1,1,10,1012,'FS 12/2024','2024-02-05','2024-02-19',170,170,170,170,'PLN',1,NULL),
 (18,39,1,1,11,1013,'FS 13/2024','2024-02-05','2024-02-19',180,180,180,180,'PLN',1,NULL),
 (19,39,1,1,11,1014,'FS 14/2024','2024-02-05','2024-02-20',190,190,190,190,'PLN',1,NULL),
 (20,39,1,1,12,1015,'FS 15/2024','2024-02-06','2024-02-20',905.37,210.55,905.37,210.55,'EUR',1,NULL),
 (21,39,1,1,13,1016,'FS 16/2024','2024-02-06','2024-02-20',220,220,220,220,'PLN',1,NULL),
 (22,39,1,1,2,1017,'FS 17/2024','2024-02-07','2024-03-05',5,5,5,5,'PLN',1,NULL),
 (30,39,1,1,1,NULL,'','2024-02-10','2024-03-01',40,40,40,40,'PLN',1,NULL),
 (31,39,1,1,1,1018,'FS 18/2024','2024-02-07',NULL,90,90,90,90,'PLN',1,NULL),
 (32,39,1,1,2,1019,'FS 19/2024','2024-02-08','2024-03-06',91,91,91,91,'XYZ',1,NULL),
 (33,39,1,1,2,1020,'FS 20/2024','2024-02-08','2024-03-07',500,500,600,600,'PLN',1,NULL),
 (34,39,1,1,2,1021,'FS 21/2024','2024-02-08','2024-03-08',10,10,10,0,'PLN',1,NULL);
INSERT INTO fl__Flagi (flg_Id,flg_Numer,flg_Text,flg_IdGrupy) VALUES
 (7,1,'Nie windykować',3),
 (8,1,'Nie windykować dokumentu',4),
 (9,2,'VIP',3);
INSERT INTO fl_Wartosc (flw_IdGrupyFlag,flw_TypObiektu,flw_IdObiektu,flw_IdFlagi) VALUES
 (3,1,4,7),
 (4,2,1006,8),
 (3,1,1,9);
