-- Comarch ERP Optima sample data (research §10.4, extended). What each row is for:
--  1 ACME   company, two-line name, collection e-mail overriding the main one, landline;
--           open PLN invoice, open EUR opening balance, unknown currency (quarantine),
--           a PAR/ receipt (excluded by prefix), a supplier payment (Kierunek -1), an invoice
--           in the buffer (Stan 0, TrN_Bufor 1)
--  2 Kowalski  person with street, house and flat number; invoice in two instalments (one
--           partly paid, one settled) and one invoice with document attribute NIE_WINDYKOWAC
--  3 Nowak  person with contractor attribute 5 (do not collect)
--  4 Gęś    company with a collection SMS phone written +48 501-002-003 and no e-mail
--  5 Müller excluded by id in the configuration
INSERT INTO CDN.Kontrahenci (Knt_KntId,Knt_Kod,Knt_Nazwa1,Knt_Nazwa2,Knt_Nip,Knt_Email,Knt_Telefon1,Knt_Finalny,Knt_Ulica,Knt_NrDomu,Knt_NrLokalu,Knt_Miasto,Knt_KodPocztowy,Knt_WindykacjaEMail,Knt_WindykacjaTelefonSms) VALUES
 (1,'ACME','ACME Spółka z ograniczoną','odpowiedzialnością','525-000-00-09','biuro@acme.pl','221112233',0,'Prosta','1','','Warszawa','00-001','windykacja@acme.pl',''),
 (2,'KOWALSKI','Jan Kowalski','','','jan@kowalski.pl','600100200',1,'Krzywa','5','2','Kraków','30-001','',''),
 (3,'NOWAK','Anna Nowak','','','anna@nowak.pl','',1,'Polna','3','','Gdańsk','80-001','',''),
 (4,'GES','Przedsiębiorstwo „Gęś”','','6760000003','','',0,'Gęsia','7','','Łódź','90-001','','+48 501-002-003'),
 (5,'MULLER','Müller GmbH','','','info@mueller.de','',0,'','','','Berlin','10115','','');
INSERT INTO CDN.TraNag (TrN_TrNID,TrN_TypDokumentu,TrN_Rodzaj,TrN_NumerPelny,TrN_DataDok,TrN_Termin,TrN_PodmiotTyp,TrN_PodID,TrN_Bufor,TrN_Anulowany) VALUES
 (10,302,302000,'FA/1/2024','2024-01-10','2024-01-24',1,1,0,0),
 (11,302,302000,'FA/2/2024','2024-01-11','2024-01-25',1,2,0,0),
 (12,302,302000,'FA/3/2024','2024-01-12','2024-01-26',1,1,1,0),
 (13,302,302000,'FA/4/2024','2024-01-20','2024-02-10',1,2,0,0),
 (14,302,302000,'FA/5/2024','2024-01-21','2024-02-11',1,3,0,0),
 (15,302,302000,'FA/6/2024','2024-01-22','2024-02-12',1,4,0,0),
 (16,305,305000,'PAR/1/2024','2024-01-23','2024-02-05',1,1,0,0),
 (17,302,302000,'FA/7/2024','2024-01-24','2024-02-13',1,5,0,0);
INSERT INTO CDN.BnkZdarzenia (BZd_BZdID,BZd_Kierunek,BZd_PodmiotTyp,BZd_PodmiotID,BZd_DokumentTyp,BZd_DokumentID,BZd_NumerPelny,BZd_DataDok,BZd_Termin,BZd_Kwota,BZd_KwotaSys,BZd_KwotaRoz,BZd_KwotaRozSys,BZd_Waluta,BZd_Rozliczono,BZd_Stan) VALUES
 (100,1,1,1,1,10,'FA/1/2024','2024-01-10','2024-01-24',1230,1230,0,0,'',1,1),
 (101,1,1,2,1,11,'FA/2/2024','2024-01-11','2024-01-25',500,500,300,300,'',1,1),
 (102,1,1,2,1,11,'FA/2/2024','2024-01-11','2024-02-25',500,500,500,500,'',2,1),
 (103,-1,1,1,0,0,'FZ/5/2024','2024-01-05','2024-01-19',300,300,0,0,'',1,1),
 (104,1,1,1,1,12,'FA/3/2024','2024-01-12','2024-01-26',50,50,0,0,'',1,0),
 (105,1,1,1,0,0,'BO/1','2023-12-31','2024-01-15',100,430,0,0,'EUR',1,1),
 (106,1,1,2,1,13,'FA/4/2024','2024-01-20','2024-02-10',200,200,0,0,'',1,1),
 (107,1,1,3,1,14,'FA/5/2024','2024-01-21','2024-02-11',300,300,0,0,'',1,1),
 (108,1,1,4,1,15,'FA/6/2024','2024-01-22','2024-02-12',456.78,456.78,0,0,'',1,1),
 (109,1,1,1,0,0,'NO/9/2024','2024-01-25','2024-01-30',70,70,0,0,'XXQ',1,1),
 (110,1,1,1,1,16,'PAR/1/2024','2024-01-23','2024-02-05',20,20,0,0,'',1,1),
 (111,1,1,5,1,17,'FA/7/2024','2024-01-24','2024-02-13',99,99,0,0,'',1,1);
INSERT INTO CDN.DefAtrybuty (DeA_DeAId,DeA_Kod,DeA_Nazwa) VALUES
 (5,'NIE_WINDYKOWAC','Nie windykować (kontrahent)'),
 (6,'NIE_WINDYKOWAC','Nie windykować (dokument)'),
 (7,'OPIEKUN','Opiekun handlowy');
INSERT INTO CDN.DokAtrybuty (DAt_DAtID,DAt_TrNId,DAt_Kod,DAt_WartoscDecimal) VALUES
 (1,13,'NIE_WINDYKOWAC',1),
 (2,10,'OPIEKUN',NULL);
INSERT INTO CDN.KntAtrybuty (KnA_KnAId,KnA_PodmiotTyp,KnA_PodmiotId,KnA_DeAId) VALUES
 (1,1,3,5),
 (2,1,1,7);
