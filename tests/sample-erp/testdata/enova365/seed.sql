-- enova365 sample data. What each row is for:
--  1 Łąka     company with mobile and e-mail; open invoice, partly paid invoice, a payment
--             flagged Platnosci.NieWindykowac, a buffered payment, a liability (Typ 11)
--  2 Wójcik   person (StatusPodmiotu 1) with an integer postcode; paid invoice, one invoice in
--             two instalments, a USD payment, an instalment without a due date (quarantine)
--  3 Zając    contractor flagged Kontrahenci.NieWindykowac
--  4 Kurek    company with an invalid e-mail and no phone
INSERT INTO Kontrahenci (ID,Kod,Nazwa,NIP,KontaktEMAIL,KontaktTelefonKomorkowy,StatusPodmiotu,NieWindykowac) VALUES
 (1,'LAKA','Spółdzielnia Mleczarska „Łąka”','9510000009','ksiegowosc@laka.pl','601 234 567',0,0),
 (2,'WOJCIK','Anna Wójcik','','','+48 512 000 111',1,0),
 (3,'ZAJAC','Tomasz Zając','','tomasz@zajac.pl','',1,1),
 (4,'KUREK','Kurek i Syn s.c.','2220000003','kurek@','',0,0);
INSERT INTO Adresy (ID,Host,HostType,Typ,AdresUlica,AdresNrDomu,AdresNrLokalu,AdresMiejscowosc,AdresKodPocztowy) VALUES
 (1,1,'Kontrahenci',1,'Mleczna','1','','Łomża',18400),
 (2,2,'Kontrahenci',1,'Polna','3','4','Gdańsk',80001),
 (3,2,'Kontrahenci',2,'Korespondencyjna','9','','Gdynia',81001),
 (4,3,'Kontrahenci',1,'Zajęcza','2','','Poznań',60001);
INSERT INTO Platnosci (ID,Dokument,Podmiot,NumerDokumentu,DataDokumentu,Termin,Bufor,NieWindykowac) VALUES
 (1,101,1,'FV/1/2024','2024-01-10','2024-01-24',0,0),
 (2,102,1,'FV/2/2024','2024-01-11','2024-01-25',0,0),
 (3,103,2,'FV/3/2024','2024-01-12','2024-01-26',0,0),
 (4,104,2,'FV/4/2024','2024-01-13','2024-02-13',0,0),
 (5,104,2,'FV/4/2024','2024-01-13','2024-03-13',0,0),
 (6,105,1,'FV/5/2024','2024-01-14','2024-01-28',0,1),
 (7,106,3,'FV/6/2024','2024-01-15','2024-01-29',0,0),
 (8,107,1,'FV/7/2024','2024-01-16','2024-01-30',1,0),
 (9,108,2,'FV/8/2024','2024-01-17','2024-01-31',0,0),
 (10,109,1,'FZ/1/2024','2024-01-18','2024-02-01',0,0),
 (11,110,2,'FV/9/2024','2024-01-19',NULL,0,0),
 (12,111,4,'','2024-01-20','2024-02-03',0,0);
INSERT INTO RozrachunkiIdx (ID,Typ,Dokument,DokumentType,Podmiot,PodmiotType,Numer,Data,Termin,KwotaValue,KwotaSymbol,KwotaRozliczonaValue) VALUES
 (1,10,1,'Platnosci',1,'Kontrahenci','FV/1/2024','2024-01-10','2024-01-24',1000,'PLN',0),
 (2,10,2,'Platnosci',1,'Kontrahenci','FV/2/2024','2024-01-11','2024-01-25',800,'PLN',300),
 (3,10,3,'Platnosci',2,'Kontrahenci','FV/3/2024','2024-01-12','2024-01-26',150,'PLN',150),
 (4,10,4,'Platnosci',2,'Kontrahenci','FV/4/2024','2024-01-13','2024-02-13',250,'PLN',0),
 (5,10,5,'Platnosci',2,'Kontrahenci','FV/4/2024','2024-01-13','2024-03-13',250,'PLN',0),
 (6,10,6,'Platnosci',1,'Kontrahenci','FV/5/2024','2024-01-14','2024-01-28',60,'PLN',0),
 (7,10,7,'Platnosci',3,'Kontrahenci','FV/6/2024','2024-01-15','2024-01-29',70,'PLN',0),
 (8,10,8,'Platnosci',1,'Kontrahenci','FV/7/2024','2024-01-16','2024-01-30',80,'PLN',0),
 (9,10,9,'Platnosci',2,'Kontrahenci','FV/8/2024','2024-01-17','2024-01-31',50,'USD',0),
 (10,11,10,'Platnosci',1,'Kontrahenci','FZ/1/2024','2024-01-18','2024-02-01',90,'PLN',0),
 (11,10,11,'Platnosci',2,'Kontrahenci','FV/9/2024','2024-01-19',NULL,40,'PLN',0),
 (12,10,12,'Platnosci',4,'Kontrahenci','RK/12/2024','2024-01-20','2024-02-03',30,'PLN',0);
